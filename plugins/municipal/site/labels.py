"""Spanish labels for the codes used in content files (DESIGN.md §3)."""

LABELS = {
    "modalidad": {
        "licitacion_publica": "Licitación pública",
        "seleccion_abreviada": "Selección abreviada",
        "concurso_de_meritos": "Concurso de méritos",
        "contratacion_directa": "Contratación directa",
        "minima_cuantia": "Mínima cuantía",
        "regimen_especial": "Régimen especial",
    },
    "tipo_contrato": {
        "prestacion_de_servicios": "Prestación de servicios",
        "obra": "Obra",
        "suministro": "Suministro",
        "compraventa": "Compraventa",
        "consultoria": "Consultoría",
        "interventoria": "Interventoría",
        "arrendamiento": "Arrendamiento",
        "convenio": "Convenio",
        "otro": "Otro",
    },
    "estado": {
        "convocado": "Convocado (recibe ofertas)",
        "adjudicado": "Adjudicado",
        "celebrado": "Celebrado",
        "en_ejecucion": "En ejecución",
        "suspendido": "Suspendido",
        "terminado": "Terminado",
        "liquidado": "Liquidado",
        "desierto": "Desierto",
    },
    "tipo_documento": {
        "NIT": "NIT",
        "CC": "Cédula de ciudadanía",
        "CE": "Cédula de extranjería",
        "PA": "Pasaporte",
    },
    "dirigido_a": {
        "persona_natural": "Personas naturales",
        "persona_juridica": "Personas jurídicas (empresas y organizaciones)",
    },
    "canal": {
        "presencial": "En persona",
        "en_linea": "En línea",
        "telefonico": "Por teléfono",
        "correo": "Por correo electrónico",
    },
    "unidad": {
        "COP": "pesos",
        "UVT": "UVT (unidades de valor tributario)",
        "SMMLV": "SMMLV (salarios mínimos mensuales legales vigentes)",
    },
    "estado_indicador": {
        "cumple": "Cumple",
        "parcial": "Parcial",
        "incumple": "Incumple",
        "sin_datos": "Sin datos",
    },
    "tipo": {
        "noticias": "Noticias",
        "tramites": "Trámites",
        "contratos": "Contratos",
        "paginas": "Páginas institucionales",
    },
}
