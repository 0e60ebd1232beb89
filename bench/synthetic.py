"""A realistic synthetic content folder of N items, optionally with a git history.

    .venv/bin/python bench/synthetic.py DEST [--n 1000] [--commits 5000] [--seed 7] [--years 5]

Writes into DEST (a new content folder) the site files of the sample
(entidad.yml, oficinas.yml, plan.yml, transparencia.yml, paginas/, adjuntos/
and eventos/, copied from content/) and N generated items spread over the offices of oficinas.yml:

- ~60 % news: content/noticias/<oficina>/AAAA-MM-DD-slug.md, 3 to 6 paragraphs
  of Spanish-looking text, some with a subtitle and a list, a table or links;
- ~10 % trámites: content/tramites/<oficina>/<slug>.yml, with requisitos,
  documentos, costo, tiempo_respuesta, canales and sometimes normatividad and
  formularios (the sample's PDFs);
- ~30 % contracts: content/contratos/<oficina>/<referencia>.yml, in every
  state, with contratista and dates as each state requires.

News dates are spread over `--years` years ending on END (2026-10-31), never
after it. The output depends only on N, the seed and the years: the same
arguments write the same bytes.

With `--commits M`, DEST's parent becomes a git repository (written with
`git fast-import`) whose M commits, spread over the same years, add each item
around its date and modify items already there; its last commit's tree is
exactly the generated folder.

Then checks the folder with the site's validator (`check_content`) and exits
with status 1 if it found any problem.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import json
import random
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
END = datetime.date(2026, 10, 31)
"""Last date of the generated content: news are dated on or before it."""
SITE_FILES = ("entidad.yml", "oficinas.yml", "plan.yml", "transparencia.yml")
COPIED_FOLDERS = ("paginas", "adjuntos", "eventos")
SHARES = {"noticias": 0.6, "tramites": 0.1, "contratos": 0.3}
BOGOTA = datetime.timezone(datetime.timedelta(hours=-5))

VEREDAS = [
    "Chucarima", "El Roble", "Llano Grande", "San Luis", "Presidente", "Tane", "Carrizal",
    "La Laguna", "Palo Gordo", "El Pórtico", "Bábega", "Monteadentro", "La Vega",
    "El Silgará", "Hojancha", "Cácota de Velasco", "Potreritos", "Río de la Plata",
    "Santa Rita", "El Tablazo", "Cuesta Boba", "Pescadero", "Quebrada Grande", "El Cedro",
]
PLACES = [
    "el parque principal", "el coliseo municipal", "la casa de la cultura",
    "el Palacio Municipal", "la plaza de mercado", "el hospital San Juan de Dios",
    "el colegio Nuestra Señora de la Presentación", "la biblioteca pública",
    "el salón comunal del barrio El Centro", "la escuela de la vereda {vereda}",
]
GROUPS = [
    "los adultos mayores", "los productores de papa", "los ganaderos", "las madres cabeza de hogar",
    "los jóvenes del municipio", "los estudiantes de bachillerato", "las juntas de acción comunal",
    "los comerciantes del casco urbano", "las familias campesinas", "los contribuyentes",
    "las personas con discapacidad", "los niños y niñas", "las víctimas del conflicto",
    "los proveedores locales", "los presidentes de las juntas", "los transportadores",
]
TOPICS = [
    ("la jornada de vacunación", "salud"), ("la brigada de salud", "salud"),
    ("la entrega de mercados", "social"), ("el taller de emprendimiento", "empleo"),
    ("la capacitación en buenas prácticas agrícolas", "agro"), ("la feria ganadera", "agro"),
    ("el mantenimiento de vías terciarias", "vías"), ("la construcción de placa huella", "obras"),
    ("el mejoramiento de vivienda rural", "vivienda"), ("el censo de población rural",
                                                        "planeación"),
    ("la actualización del SISBÉN", "sisbén"), ("el pago del impuesto predial", "impuestos"),
    ("la rendición de cuentas", "transparencia"), ("el consejo de seguridad", "seguridad"),
    ("el festival de música campesina", "cultura"), ("el torneo de microfútbol", "deporte"),
    ("la escuela de formación deportiva", "deporte"), ("la jornada de limpieza del río",
                                                       "ambiente"),
    ("la siembra de árboles nativos", "ambiente"), ("la audiencia pública", "participación"),
    ("la orientación jurídica gratuita", "derechos"), ("la semana por la paz", "paz"),
    ("la entrega de kits escolares", "educación"),
    ("la reunión con las juntas de acción comunal", "participación"),
    ("la convocatoria de contratación", "contratación"),
    ("el plan de contingencia por lluvias", "gestión del riesgo"),
]
TITLES = [
    "{Topic} llega a la vereda {vereda}", "Inicia {topic} en el casco urbano",
    "Abiertas las inscripciones para {topic}", "{Topic}: balance de la primera semana",
    "La Alcaldía anuncia {topic} para {group}", "Cronograma de {topic} en la zona rural",
    "Más de {number} personas participaron en {topic}",
    "Resultados de {topic} en {vereda}", "Cambio de fecha para {topic} en {vereda}",
    "Invitación a {group}: {topic}",
]
SUBJECTS = [
    "{Office}", "La Alcaldía Municipal de Chitagá", "El equipo de {office}",
    "La administración municipal", "El alcalde, junto con {office},",
    "La Gobernación de Norte de Santander, con apoyo de la Alcaldía,",
]
ACTIONS = [
    "adelanta {topic} en las veredas del norte del municipio",
    "realizó {topic} con una participación mayor a la esperada",
    "invita a {group} a participar en {topic}",
    "informa que {topic} se extenderá hasta el {date}",
    "recuerda a {group} que {topic} no tiene ningún costo",
    "destinó {money} para {topic} de este año",
    "visitará la vereda {vereda} el {date} con {topic}",
    "entregó el informe de {topic} al concejo municipal",
]
CLOSINGS = [
    "Las personas interesadas pueden acercarse a {place} de 8:00 a. m. a 12:00 m.",
    "La información se dará también por la emisora comunitaria y en las carteleras de {place}.",
    "Quienes no puedan asistir pueden escribir al correo de la dependencia o llamar a la línea "
    "de atención.",
    "Se recomienda llevar el documento de identidad y llegar con tiempo.",
    "El recorrido incluye {number} veredas y terminará en {place}.",
    "Según el cronograma, la actividad se repetirá el próximo semestre en la vereda {vereda}.",
    "La participación de {group} fue fundamental para cumplir la meta del plan de desarrollo.",
    "Los presidentes de las juntas de acción comunal ayudarán a difundir el horario en cada "
    "sector.",
    "Cualquier duda se atiende en {place} o por el chat de la página oficial.",
    "El programa cuenta con recursos del Sistema General de Participaciones y del municipio.",
]
LIST_ITEMS = [
    "Documento de identidad original.", "Llegar media hora antes del horario indicado.",
    "Llevar tapabocas si tiene síntomas de gripa.", "Traer el recibo de un servicio público.",
    "Inscribirse previamente con el presidente de la junta.", "Usar ropa cómoda y protector "
    "solar.", "Presentar el carné de vacunación.", "Llevar lápiz y cuaderno.",
    "Informar si necesita transporte desde la vereda.", "Confirmar la asistencia por teléfono.",
]
SUBTITLES = ["Qué debe llevar", "Recomendaciones", "Horarios", "Cómo participar",
             "Requisitos", "Próximas fechas", "Dónde informarse"]
LINKS = [
    ("el sitio del SISBÉN", "https://www.sisben.gov.co/"),
    ("el SECOP II", "https://community.secop.gov.co/"),
    ("el Departamento Administrativo de la Función Pública",
     "https://www.funcionpublica.gov.co/"),
    ("la Gobernación de Norte de Santander", "https://www.nortedesantander.gov.co/"),
]

TRAMITES = [
    "Certificado de residencia", "Certificado de estratificación", "Certificado de uso del suelo",
    "Licencia de construcción", "Licencia de urbanismo", "Asignación de nomenclatura",
    "Paz y salvo municipal", "Impuesto predial unificado", "Registro de industria y comercio",
    "Permiso para espectáculos públicos", "Registro de marcas y herretes de ganado",
    "Inscripción en el SISBÉN", "Certificado de vecindad", "Permiso de movilización de ganado",
    "Licencia de intervención del espacio público", "Certificado de riesgo del predio",
    "Inscripción de propiedad horizontal", "Certificado de libertad de deudas",
    "Declaración de víctimas del conflicto", "Orientación para acción de tutela",
    "Registro de organizaciones comunales", "Permiso para rifas y juegos de azar",
    "Exención del impuesto de vehículos", "Subsidio al adulto mayor",
    "Inscripción a programas de vivienda rural", "Certificado de no poseer vivienda",
    "Permiso de ocupación de cauce", "Devolución de pagos en exceso",
]
VARIANTS = ["para la zona rural", "para el casco urbano", "para personas jurídicas", "renovación",
            "duplicado", "corrección de datos", "para población vulnerable", "prioritario",
            "en línea", "para predios de la vereda {vereda}"]
REQUIREMENTS = [
    "Ser mayor de edad o venir con el padre, la madre o el acudiente.",
    "Vivir en el municipio desde hace al menos seis meses.",
    "Estar al día con el impuesto predial del inmueble.",
    "Ser propietario, poseedor o arrendatario del predio.",
    "No tener sanciones vigentes con el municipio.",
    "Estar inscrito en la base de datos del SISBÉN.",
    "Presentar la solicitud con al menos diez días hábiles de anticipación.",
    "Actuar en nombre propio o con un poder autenticado.",
]
DOCUMENTS = [
    "Copia de la cédula de ciudadanía.", "Recibo de un servicio público de la vivienda.",
    "Certificado de tradición y libertad con menos de 30 días de expedido.",
    "Plano de localización del predio.", "Certificado de existencia y representación legal.",
    "Formulario de solicitud diligenciado.", "Fotografía reciente tamaño documento.",
    "Copia del registro civil de nacimiento.",
]
NORMS = [
    ("Ley 1551 de 2012, artículo 29",
     "https://www.funcionpublica.gov.co/eva/gestornormativo/norma.php?i=48267"),
    ("Ley 1437 de 2011, Código de Procedimiento Administrativo",
     "https://www.funcionpublica.gov.co/eva/gestornormativo/norma.php?i=41249"),
    ("Decreto 1077 de 2015, sector vivienda",
     "https://www.funcionpublica.gov.co/eva/gestornormativo/norma.php?i=77216"),
    ("Ley 44 de 1990, impuesto predial unificado", None),
    ("Acuerdo municipal 012 de 2020, Estatuto Tributario", None),
]
FORMS = [
    ("Solicitud de registro de industria y comercio",
     "adjuntos/hacienda/formulario-registro-ica.pdf"),
    ("Solicitud de encuesta del SISBÉN", "adjuntos/planeacion/solicitud-encuesta-sisben.pdf"),
    ("Formulario único nacional de licencias",
     "adjuntos/planeacion/formulario-unico-nacional-licencias.pdf"),
    ("Solicitud de permiso para espectáculos públicos",
     "adjuntos/gobierno/solicitud-permiso-espectaculos-publicos.pdf"),
]
PHOTO = ("adjuntos/planeacion/placa-huella-vereda-el-roble.jpg",
         "Vía rural en placa huella: dos franjas de concreto que suben entre montañas verdes.")

STATES = ["convocado", "adjudicado", "celebrado", "en_ejecucion", "suspendido", "terminado",
          "liquidado", "desierto"]
STATE_WEIGHTS = [8, 4, 5, 15, 3, 25, 32, 8]
# prefix: (modalidad, tipos, lowest value, highest value, months)
CONTRACT_KINDS = {
    "CPS": ("contratacion_directa", ["prestacion_de_servicios"], 8_000_000, 60_000_000, (3, 11)),
    "MC": ("minima_cuantia", ["suministro", "compraventa", "obra", "otro"], 5_000_000,
           90_000_000, (1, 4)),
    "SA": ("seleccion_abreviada", ["suministro", "compraventa", "obra"], 100_000_000,
           500_000_000, (2, 6)),
    "LP": ("licitacion_publica", ["obra"], 400_000_000, 3_000_000_000, (4, 12)),
    "CM": ("concurso_de_meritos", ["consultoria", "interventoria"], 50_000_000, 400_000_000,
           (3, 10)),
    "CONV": ("contratacion_directa", ["convenio"], 20_000_000, 300_000_000, (6, 12)),
    "CD": ("contratacion_directa", ["arrendamiento"], 6_000_000, 40_000_000, (6, 12)),
    "RE": ("regimen_especial", ["convenio", "otro"], 10_000_000, 200_000_000, (3, 9)),
}
PREFIX_WEIGHTS = {"CPS": 45, "MC": 20, "SA": 8, "LP": 3, "CM": 4, "CONV": 8, "CD": 5, "RE": 7}
COMPETITIVE = ["MC", "SA", "LP", "CM"]
OBJECTS = {
    "prestacion_de_servicios": "Prestación de servicios {kind} para apoyar a {office} en {task}",
    "suministro": "Suministro de {goods} para {task}",
    "compraventa": "Compraventa de {goods} con destino a {office}",
    "obra": "Construcción de {work} en la vereda {vereda} del municipio de Chitagá",
    "consultoria": "Consultoría para los estudios y diseños de {work} en la vereda {vereda}",
    "interventoria": "Interventoría técnica, administrativa y financiera de la {work} de la "
                     "vereda {vereda}",
    "arrendamiento": "Arrendamiento de un inmueble para el funcionamiento de {office}",
    "convenio": "Convenio de asociación para {task} con {group}",
    "otro": "Apoyo logístico para {task} en la vereda {vereda}",
}
SERVICE_KINDS = ["profesionales como abogado", "profesionales como ingeniero civil",
                 "de apoyo a la gestión como técnico en sistemas", "profesionales en psicología",
                 "de apoyo a la gestión como auxiliar administrativo",
                 "profesionales como contador público"]
TASKS = ["la actualización del sitio web y la publicación en el SECOP II",
         "la defensa judicial del municipio", "el seguimiento al plan de desarrollo",
         "la atención a la población víctima del conflicto", "el programa de alimentación escolar",
         "la gestión del riesgo de desastres", "las escuelas de formación deportiva",
         "el recaudo del impuesto predial", "la atención en salud mental de los jóvenes"]
GOODS = ["materiales de construcción", "elementos de papelería y oficina", "combustible",
         "equipos de cómputo", "insumos agrícolas", "uniformes deportivos",
         "kits escolares", "llantas y repuestos para la maquinaria amarilla"]
WORKS = ["placa huella en concreto", "un puente peatonal", "el alcantarillado",
         "la cubierta del polideportivo", "un aula escolar", "muros de contención",
         "la batería sanitaria de la escuela"]
FIRST_NAMES = ["María", "José", "Luz Marina", "Carlos Andrés", "Diana", "Jhon Fredy", "Ana Milena",
               "Luis Alberto", "Yesenia", "Édgar", "Claudia", "Óscar Iván", "Sandra", "Wilson"]
LAST_NAMES = ["Rojas", "Peña", "Carrillo", "Parada", "Jaimes", "Villamizar", "Contreras",
              "Mogollón", "Suárez", "Rangel", "Ortega", "Pabón", "Galvis", "Duarte"]
COMPANIES = ["Construcciones", "Suministros", "Inversiones", "Consultores", "Ingeniería",
             "Distribuciones", "Fundación"]
COMPANY_NAMES = ["del Páramo", "Santurbán", "Norte", "La Montaña", "Andina", "Chitagá",
                 "Pamplonita", "Oriente"]


@dataclass
class Generated:
    """What `generate` wrote: counts per kind, the items' paths, the repository if any."""

    content: Path
    counts: dict[str, int]
    files: list[str] = field(default_factory=list)  # relative to content, sorted
    repository: Path | None = None
    commits: int = 0


@dataclass
class Item:
    relpath: str
    text: str
    date: datetime.date  # when the item was first published (for the history)


def generate(target: Path, n: int, seed: int = 7, commits: int = 0,
             years: int = 5) -> Generated:
    """Write the sample's site files and n generated items into target (a new folder)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} ya existe y no está vacía")
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        shutil.copy2(SAMPLE / name, target / name)
    for folder in COPIED_FOLDERS:
        shutil.copytree(SAMPLE / folder, target / folder)
    writer = _Writer(random.Random(seed), _offices(target), END - datetime.timedelta(
        days=round(365.25 * years)), END)
    items = writer.items(n)
    for item in items:
        path = target / item.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.text.encode("utf-8"))
    counts = {kind: sum(item.relpath.startswith(kind + "/") for item in items)
              for kind in SHARES}
    generated = Generated(target, counts, sorted(item.relpath for item in items))
    if commits > 0:
        generated.repository = _history(target, items, commits, writer)
        generated.commits = commits
    return generated


def self_check(content: Path) -> list:
    """Every problem the site's validator finds in content (none for a generated folder)."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from municipal.content.validation import check_content  # noqa: PLC0415

    return check_content(content, use_cache=False).problems


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _offices(content: Path) -> list[dict]:
    data = yaml.safe_load((content / "oficinas.yml").read_text(encoding="utf-8"))
    return [{"id": office["id"], "nombre": office["nombre"],
             "responsable": office.get("responsable", office["nombre"])}
            for office in data["oficinas"]]


class _Writer:
    """Generates the items' text with one random.Random, in a fixed order."""

    def __init__(self, rng: random.Random, offices: list[dict], start: datetime.date,
                 end: datetime.date):
        self.rng = rng
        self.offices = offices
        self.start = start
        self.end = end
        self.used: dict[str, set[str]] = {kind: set() for kind in SHARES}

    # --- shared helpers -------------------------------------------------------------
    def date(self, start: datetime.date | None = None,
             end: datetime.date | None = None) -> datetime.date:
        start, end = start or self.start, end or self.end
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def unique(self, kind: str, slug: str) -> str:
        candidate, number = slug, 1
        while candidate in self.used[kind]:
            number += 1
            candidate = f"{slug}-{number}"
        self.used[kind].add(candidate)
        return candidate

    def office(self, weights: dict[str, int] | None = None) -> dict:
        weights = weights or {}
        return self.rng.choices(self.offices,
                                [weights.get(office["id"], 1) for office in self.offices])[0]

    def fill(self, template: str, office: dict, topic: str = "") -> str:
        rng = self.rng
        values = {
            "office": _with_article(office["nombre"]),
            "Office": _with_article(office["nombre"], capital=True),
            "topic": topic, "Topic": topic[:1].upper() + topic[1:],
            "vereda": rng.choice(VEREDAS), "group": rng.choice(GROUPS),
            "number": rng.choice([12, 25, 40, 80, 150, 300, 420]),
            "date": _spanish_date(self.date()),
            "money": _pesos(rng.randrange(5, 400) * 1_000_000),
        }
        values["place"] = rng.choice(PLACES).format(vereda=values["vereda"])
        return _contractions(template.format(**values))

    def sentence(self, office: dict, topic: str) -> str:
        if self.rng.random() < 0.55:
            subject = self.fill(self.rng.choice(SUBJECTS), office)
            return f"{subject} {self.fill(self.rng.choice(ACTIONS), office, topic)}."
        return self.fill(self.rng.choice(CLOSINGS), office, topic)

    def paragraph(self, office: dict, topic: str) -> str:
        return " ".join(self.sentence(office, topic) for _ in range(self.rng.randint(2, 5)))

    # --- items ----------------------------------------------------------------------
    def items(self, n: int) -> list[Item]:
        tramites = round(n * SHARES["tramites"])
        contratos = round(n * SHARES["contratos"])
        news = n - tramites - contratos
        return ([self.news() for _ in range(news)]
                + [self.tramite() for _ in range(tramites)]
                + self.contracts(contratos))

    def news(self) -> Item:
        rng = self.rng
        office = self.office()
        topic, tag = rng.choice(TOPICS)
        title = self.fill(rng.choice(TITLES), office, topic)
        day = self.date()
        slug = slugify(title)
        if len(slug) > 70:
            slug = slug[:71].rsplit("-", 1)[0]
        stem = self.unique("noticias", f"{day.isoformat()}-{slug}")
        summary = self.sentence(office, topic)
        while len(summary) < 140:
            summary = f"{summary} {self.sentence(office, topic)}"
        if len(summary) > 300:
            summary = summary[:296].rsplit(" ", 1)[0].rstrip(",.;") + "..."
        lines = ["---", f"titulo: {_scalar(title)}", f"fecha: {day.isoformat()}",
                 f"resumen: {_scalar(summary)}"]
        tags = sorted({tag, *rng.sample(["veredas", "comunidad", "rural", "urbano",
                                         "convocatoria", "informe"], rng.randint(0, 2))})
        lines.append(f"etiquetas: [{', '.join(tags)}]")
        if rng.random() < 0.05:
            lines += ["imagen:", f"  archivo: {PHOTO[0]}", f"  alt: {_scalar(PHOTO[1])}"]
        lines.append("---")
        blocks = [self.paragraph(office, topic) for _ in range(rng.randint(3, 6))]
        extra = rng.random()
        if extra < 0.3:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
            blocks.insert(rng.randint(1, len(blocks)), f"## {rng.choice(SUBTITLES)}\n\n"
                          + "\n".join(f"- {item}" for item in items))
        elif extra < 0.42:
            blocks.insert(rng.randint(1, len(blocks)), self.table())
        if rng.random() < 0.15:
            name, url = rng.choice(LINKS)
            blocks.append(f"Más información en [{name}]({url}).")
        text = "\n".join(lines) + "\n" + "\n\n".join(blocks) + "\n"
        return Item(f"noticias/{office['id']}/{stem}.md", text, day)

    def table(self) -> str:
        rows = ["| Vereda | Fecha | Hora |", "|---|---|---|"]
        for vereda in self.rng.sample(VEREDAS, self.rng.randint(3, 6)):
            hour = self.rng.choice(["8:00 a. m.", "10:00 a. m.", "2:00 p. m.", "3:30 p. m."])
            rows.append(f"| {vereda} | {_spanish_date(self.date())} | {hour} |")
        return f"## {self.rng.choice(['Cronograma', 'Próximas fechas', 'Horarios'])}\n\n" + \
            "\n".join(rows)

    def tramite(self) -> Item:
        rng = self.rng
        office = self.office()
        name = rng.choice(TRAMITES)
        if slugify(name) in self.used["tramites"]:
            name = f"{name} {self.fill(rng.choice(VARIANTS), office)}"
        slug = self.unique("tramites", slugify(name))
        topic = name[0].lower() + name[1:]
        lines = [f"nombre: {_scalar(name)}", "descripcion: >-"]
        lines += _folded(_contractions(
            f"Trámite de {_with_article(office['nombre'])} para obtener el {topic}. "
            + self.paragraph(office, "la atención al ciudadano")))
        lines.append("dirigido_a: " + rng.choice(
            ["[persona_natural]", "[persona_juridica]", "[persona_natural, persona_juridica]"]))
        lines.append("requisitos:")
        lines += [f"  - {_scalar(r)}" for r in rng.sample(REQUIREMENTS, rng.randint(2, 5))]
        lines.append("documentos:")
        lines += [f"  - {_scalar(d)}" for d in rng.sample(DOCUMENTS, rng.randint(1, 4))]
        lines.append("costo:")
        if rng.random() < 0.6:
            lines.append("  gratuito: true")
        else:
            unit = rng.choice(["COP", "COP", "UVT", "SMMLV"])
            value = {"COP": rng.randrange(5, 300) * 1000, "UVT": rng.randint(1, 10),
                     "SMMLV": rng.randint(1, 3)}[unit]
            lines += [f"  valor: {value}", f"  unidad: {unit}",
                      "  detalle: Se paga en la Tesorería municipal o en los bancos autorizados."]
        lines.append("tiempo_respuesta:")
        if rng.random() < 0.7:
            lines.append(f"  dias_habiles: {rng.choice([1, 3, 5, 10, 15, 30, 45])}")
        else:
            lines.append("  detalle: Inmediato en la ventanilla; por correo, hasta 3 días hábiles.")
        lines.append("canales:")
        for kind in ["presencial", *rng.sample(["en_linea", "telefonico", "correo"],
                                               rng.randint(0, 2))]:
            lines += self.channel(kind, office)
        if rng.random() < 0.6:
            lines.append("normatividad:")
            for norm, link in rng.sample(NORMS, rng.randint(1, 2)):
                lines.append(f"  - norma: {_scalar(norm)}")
                if link:
                    lines.append(f"    enlace: {link}")
        if rng.random() < 0.15:
            title, path = rng.choice(FORMS)
            lines += ["formularios:", f"  - titulo: {_scalar(title)}", f"    archivo: {path}"]
        if rng.random() < 0.5:
            lines.append(f'codigo_suit: "{rng.randint(1000, 99999)}"')
        words = sorted({w for w in slugify(name).split("-") if len(w) > 4})[:5]
        if words:
            lines.append(f"palabras_clave: [{', '.join(words)}]")
        return Item(f"tramites/{office['id']}/{slug}.yml", "\n".join(lines) + "\n", self.date())

    def channel(self, kind: str, office: dict) -> list[str]:
        noun = _with_article(office["nombre"])
        if kind == "presencial":
            return ["  - tipo: presencial",
                    f"    detalle: {_contractions(f'Ventanilla de {noun}, Palacio Municipal.')}",
                    "    direccion: Calle 4 No. 6-07, Chitagá",
                    "    horario: Lunes a viernes de 8:00 a. m. a 12:00 m. y de 2:00 p. m. a "
                    "6:00 p. m."]
        if kind == "en_linea":
            return ["  - tipo: en_linea",
                    "    detalle: Diligencie el formulario en la sede electrónica.",
                    "    url: https://www.gov.co/"]
        if kind == "telefonico":
            return ["  - tipo: telefonico",
                    "    detalle: Llame al (607) 567 8002 en horario de oficina."]
        return ["  - tipo: correo",
                _contractions(f"    detalle: Envíe la solicitud al correo de {noun}.")]

    def contracts(self, count: int) -> list[Item]:
        """Contracts in every state, numbered per prefix and year in date order."""
        rng = self.rng
        specs = []
        for index in range(count):
            # The first eight take each state once, so that every state is present.
            state = STATES[index] if index < len(STATES) else rng.choices(
                STATES, STATE_WEIGHTS)[0]
            prefixes = COMPETITIVE if state in ("convocado", "desierto") else list(PREFIX_WEIGHTS)
            prefix = rng.choices(prefixes, [PREFIX_WEIGHTS[p] for p in prefixes])[0]
            specs.append(self.contract_dates(state, prefix) | {"estado": state,
                                                               "prefix": prefix})
        numbers: dict[tuple[str, int], int] = {}
        items = []
        for spec in sorted(specs, key=lambda s: (s["publicado"], s["prefix"])):
            key = (spec["prefix"], spec["publicado"].year)
            numbers[key] = numbers.get(key, 0) + 1
            reference = f"{spec['prefix']}-{numbers[key]:03d}-{spec['publicado'].year}"
            items.append(self.contract(reference, spec))
        return items

    def contract_dates(self, state: str, prefix: str) -> dict:
        rng = self.rng
        months = rng.randint(*CONTRACT_KINDS[prefix][4])
        length = datetime.timedelta(days=30 * months)
        recent = self.end - datetime.timedelta(days=45)
        if state == "convocado":  # still receiving offers on END
            return {"publicado": self.date(recent),
                    "fecha_cierre": self.end + datetime.timedelta(days=rng.randint(3, 30))}
        if state == "adjudicado":
            published = self.date(recent)
            return {"publicado": published,
                    "fecha_cierre": published + datetime.timedelta(days=rng.randint(5, 20))}
        if state == "desierto":
            published = self.date()
            return {"publicado": published,
                    "fecha_cierre": published + datetime.timedelta(days=rng.randint(10, 30))}
        if state == "celebrado":
            signed = self.date(recent)
        elif state in ("en_ejecucion", "suspendido"):
            signed = self.date(max(self.start, self.end - length + datetime.timedelta(days=7)))
        else:  # terminado, liquidado: ended before END
            signed = self.date(self.start, max(self.start, self.end - length
                                               - datetime.timedelta(days=10)))
        start = signed + datetime.timedelta(days=rng.randint(0, 6))
        return {"publicado": signed, "fecha_firma": signed, "fecha_inicio": start,
                "fecha_fin": start + length}

    def contract(self, reference: str, spec: dict) -> Item:
        rng = self.rng
        modalidad, tipos, low, high, _ = CONTRACT_KINDS[spec["prefix"]]
        tipo = rng.choice(tipos)
        office = self.office({"juridica": 4, "planeacion": 4})
        state = spec["estado"]
        objeto = self.fill(OBJECTS[tipo].format(
            kind=rng.choice(SERVICE_KINDS), office="{office}", task=rng.choice(TASKS),
            goods=rng.choice(GOODS), work=rng.choice(WORKS), vereda="{vereda}",
            group="{group}"), office)
        objeto += ", de acuerdo con los estudios previos y el pliego de condiciones."
        lines = [f"referencia: {reference}"]
        if state not in ("convocado", "desierto"):
            lines.append(f"proceso: CO1.PCCNTR.{rng.randint(1_000_000, 9_999_999)}")
        lines += [f"modalidad: {modalidad}", f"tipo: {tipo}", "objeto: >-", *_folded(objeto),
                  f"valor: {rng.randrange(low // 100_000, high // 100_000) * 100_000}"]
        if state not in ("convocado", "desierto"):
            lines += ["contratista:", *self.contractor(tipo)]
        for name in ("fecha_firma", "fecha_inicio", "fecha_fin", "fecha_cierre"):
            if name in spec and not (state == "celebrado" and name == "fecha_inicio"
                                     and rng.random() < 0.5):
                lines.append(f"{name}: {spec[name].isoformat()}")
        lines += [f"estado: {state}", f"supervisor: {_scalar(office['responsable'])}",
                  "url_secop: https://community.secop.gov.co/Public/Tendering/"
                  f"OpportunityDetail/Index?noticeUID=CO1.NTC.{rng.randint(1_000_000, 9_999_999)}"]
        if rng.random() < 0.2:
            lines += ["documentos:", f"  - titulo: Estudios previos del proceso {reference}",
                      "    url: https://community.secop.gov.co/Public/Tendering/"
                      f"ContractNoticePhases/View?PPI=CO1.PPI.{rng.randint(10**7, 10**8 - 1)}"]
        return Item(f"contratos/{office['id']}/{slugify(reference)}.yml",
                    "\n".join(lines) + "\n", spec["publicado"])

    def contractor(self, tipo: str) -> list[str]:
        rng = self.rng
        if tipo == "prestacion_de_servicios" or rng.random() < 0.3:
            name = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} "
                    f"{rng.choice(LAST_NAMES)}")
            kind, number = "CC", str(rng.randint(1_000_000_000, 1_099_999_999))
        else:
            name = f"{rng.choice(COMPANIES)} {rng.choice(COMPANY_NAMES)} S.A.S."
            kind, number = "NIT", f"{rng.randint(800_000_000, 901_999_999)}-{rng.randint(0, 9)}"
        return [f"  nombre: {_scalar(name)}", f"  tipo_documento: {kind}",
                f'  documento: "{number}"']


def _with_article(nombre: str, capital: bool = False) -> str:
    """"la Secretaría de Gobierno", "el Despacho del Alcalde" ("La ...", "El ...")."""
    article = "el " if nombre.split(maxsplit=1)[0] in MASCULINE else "la "
    return (article.capitalize() if capital else article) + nombre


MASCULINE = {"Despacho", "Concejo", "Departamento", "Instituto", "Fondo"}


def _contractions(text: str) -> str:
    return text.replace(" a el ", " al ").replace(" de el ", " del ")


def _spanish_date(day: datetime.date) -> str:
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"]
    return f"{day.day} de {months[day.month - 1]}"


def _pesos(value: int) -> str:
    return "$ " + f"{value:,}".replace(",", ".")


_PLAIN_UNSAFE = re.compile(r"^[\[\]{}&*!|>'\"%@`,#?:-]|: | #|:$")


def _scalar(text: str) -> str:
    """text as a YAML scalar: plain when that reads back the same, else double-quoted."""
    if _PLAIN_UNSAFE.search(text) or text.lower() in ("yes", "no", "true", "false", "null",
                                                      "on", "off", "~"):
        return json.dumps(text, ensure_ascii=False)
    return text


def _folded(text: str) -> list[str]:
    """Lines of a `>-` folded block, as the sample files write long texts."""
    return ["  " + line for line in textwrap.wrap(text, 88)]


# --- git history ------------------------------------------------------------------------

def _history(content: Path, items: list[Item], commits: int, writer: _Writer) -> Path:
    """A repository in content's parent whose commits end with exactly these files."""
    repository = content.parent
    if (repository / ".git").exists():
        raise FileExistsError(f"{repository} ya es un repositorio git")
    (repository / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    generated = {item.relpath for item in items}
    base = [(path.relative_to(content).as_posix(), path.read_bytes())
            for path in sorted(content.rglob("*"))
            if path.is_file() and path.relative_to(content).as_posix() not in generated]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repository)], check=True)
    stream = _fast_import_stream(content.name, base, items, commits, writer)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repository, check=True, input=stream)
    subprocess.run(["git", "reset", "-q"], cwd=repository, check=True)  # index = HEAD
    return repository


def _fast_import_stream(prefix: str, base: list[tuple[str, bytes]], items: list[Item],
                        commits: int, writer: _Writer) -> bytes:
    """Commit 0 adds the site files; the others add each item near its date or edit one."""
    rng = writer.rng
    start = datetime.datetime.combine(writer.start, datetime.time(8), BOGOTA).timestamp()
    end = datetime.datetime.combine(writer.end, datetime.time(17), BOGOTA).timestamp()
    times = [int(start - 86400)] + [
        int(start + (end - start) * index / max(commits - 1, 1)) for index in range(1, commits)]
    first = 1 if commits > 1 else 0
    touches: dict[str, list[int]] = {relpath: [0] for relpath, _ in base}
    for item in sorted(items, key=lambda i: (i.date, i.relpath)):
        when = datetime.datetime.combine(item.date, datetime.time(10), BOGOTA).timestamp()
        touches[item.relpath] = [min(max(bisect.bisect_left(times, when), first), commits - 1)]
    by_commit: dict[int, list[str]] = {}
    for relpath, (added,) in touches.items():
        by_commit.setdefault(added, []).append(relpath)
    # A commit that publishes nothing new edits an item already published (or a page).
    published = sorted((touches[item.relpath][0], item.relpath) for item in items)
    published_at = [added for added, _ in published]
    pages = sorted(relpath for relpath, _ in base if relpath.startswith("paginas/"))
    for index in range(1, commits):
        if index in by_commit:
            continue
        count = bisect.bisect_left(published_at, index)
        chosen = published[rng.randrange(count)][1] if count else rng.choice(pages)
        touches[chosen].append(index)
        by_commit[index] = [chosen]
    finals = dict(base)
    finals.update({item.relpath: item.text.encode("utf-8") for item in items})
    parts = []
    for index in range(commits):
        paths = sorted(by_commit[index])
        if index == 0:
            office, message = "despacho", f"Contenido inicial del sitio ({len(paths)} archivos)"
            paths_data = [(".gitignore", b".cache/\n")]
        else:
            office = paths[0].split("/")[1]
            verb = "publica" if touches[paths[0]][0] == index else "actualiza"
            message = f"{office}: {verb} {len(paths)} archivo(s)"
            paths_data = []
        for relpath in paths:
            edits = touches[relpath]
            data = finals[relpath] if index == edits[-1] else _earlier(
                relpath, finals[relpath], edits.index(index))
            paths_data.append((f"{prefix}/{relpath}", data))
        parts += [b"commit refs/heads/main\n",
                  f"committer {office} <{office}@x.gov.co> {times[index]} -0500\n".encode(),
                  *_data(message.encode())]
        for path, data in paths_data:
            parts += [f"M 100644 inline {path}\n".encode(), *_data(data)]
    return b"".join(parts)


def _earlier(relpath: str, final: bytes, version: int) -> bytes:
    """A valid earlier version: the last block replaced by a note (Markdown), or a comment."""
    if relpath.endswith(".md"):
        text = final.decode("utf-8").rstrip("\n")
        head, _, _ = text.rpartition("\n\n")
        if not head.count("\n---"):
            head = text
        return f"{head}\n\nTexto en revisión (versión {version + 1}).\n".encode()
    return final + f"# revisión {version + 1}\n".encode()


def _data(data: bytes) -> list[bytes]:
    return [b"data %d\n" % len(data), data, b"\n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("destino", type=Path, help="carpeta de contenido nueva")
    parser.add_argument("--n", type=int, default=1000, help="elementos (por defecto 1000)")
    parser.add_argument("--commits", type=int, default=0,
                        help="commits del historial git (por defecto, sin repositorio)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    generated = generate(args.destino, args.n, args.seed, args.commits, args.years)
    counts = ", ".join(f"{count} {kind}" for kind, count in generated.counts.items())
    print(f"{args.destino}: {sum(generated.counts.values())} elementos ({counts})")
    if generated.repository:
        print(f"repositorio git en {generated.repository}: {generated.commits} commits")
    problems = self_check(generated.content)
    for problem in problems:
        print(problem)
    print(f"validación: {len(problems)} problemas")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
