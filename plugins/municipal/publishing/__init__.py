"""The built site → the public: production build and folder swap, release and FTP deploys, web
server configuration. May import every layer below.
"""
