"""The municipal website's Pelican plugin: validated content, trámites, contratos, offices.

`register()` only connects signals; the receivers live in pipeline.py, and each
subpackage does one step (content → site → indicators → publishing; see README).
"""

from __future__ import annotations

from pelican import signals

from .content.validation import InvalidContent
from .pipeline import (
    add_readers,
    build_search_index,
    pin_sitemap_clock,
    share_site_data,
    validate_and_list_generators,
    write_server_files,
)
from .site.incremental import linking_writer, open_page_cache, record_lookups, save_page_cache
from .site.page_budget import measure_page, refuse_pages_over_budget, start_counting

__all__ = ["InvalidContent", "register"]


def register():
    signals.get_generators.connect(validate_and_list_generators)
    signals.initialized.connect(pin_sitemap_clock)
    signals.initialized.connect(start_counting)
    signals.content_written.connect(measure_page)
    # First of the finalized steps: a build that fails here must not save the page cache,
    # or the next build would link the last good page in place of the edited one.
    signals.finalized.connect(refuse_pages_over_budget)
    signals.finalized.connect(build_search_index)
    signals.finalized.connect(write_server_files)
    signals.generator_init.connect(record_lookups)
    signals.get_writer.connect(linking_writer)
    signals.all_generators_finalized.connect(open_page_cache)
    signals.finalized.connect(save_page_cache)
    signals.readers_init.connect(add_readers)
    signals.generator_init.connect(share_site_data)
