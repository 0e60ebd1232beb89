// Búsqueda del sitio (/buscar/): la única página que ejecuta JavaScript.
// Lee «q» de la dirección, consulta el índice de Pagefind con su API (no su interfaz
// prefabricada), muestra primero los trámites y anuncia en #estado cuántos resultados hay.
// Sin JavaScript, la página muestra el índice de la A a la Z y el formulario sigue sirviendo.

const POR_VEZ = 5; // resultados que se cargan y muestran de cada vez (cada uno, ~1,5 KB)
const LARGO_RESUMEN = 220;

const formulario = document.getElementById("buscar-formulario");
const campo = document.getElementById("q");
const estado = document.getElementById("estado");
const lista = document.getElementById("resultados");
const mas = document.getElementById("mas");
const tituloOriginal = document.title;

let cargando = null; // la promesa del motor: se descarga una sola vez
let pendientes = [];
let turno = 0; // una búsqueda nueva deja sin efecto la anterior que aún no terminó

async function cargar() {
  const modulo = await import(new URL("../pagefind/pagefind.js", import.meta.url).href);
  // En la misma página, sin el «worker» de Pagefind: un archivo menos que descargar.
  await modulo.options({ noWorker: true, excerptLength: 30 });
  await modulo.init();
  return modulo;
}

function motor() {
  if (cargando === null) {
    cargando = cargar();
    cargando.catch(() => { cargando = null; }); // sin red: se intenta otra vez al buscar
  }
  return cargando;
}

function texto(html) {
  // El extracto de Pagefind trae <mark>; se muestra como texto, nunca como HTML.
  return new DOMParser().parseFromString(html || "", "text/html").body.textContent.trim();
}

function recortar(frase) {
  return frase.length > LARGO_RESUMEN ? frase.slice(0, LARGO_RESUMEN - 1).trimEnd() + "…" : frase;
}

function elemento(nombre, clase, contenido) {
  const nodo = document.createElement(nombre);
  if (clase) nodo.className = clase;
  if (contenido) nodo.textContent = contenido;
  return nodo;
}

function resultado(datos) {
  const item = document.createElement("li");
  const enlace = elemento("a", "resultado__titulo", datos.meta.title || datos.url);
  enlace.href = datos.url.startsWith("/") ? datos.url : "/";
  item.append(enlace);
  const detalle = [datos.meta.tipo, datos.meta.oficina, datos.meta.fecha].filter(Boolean);
  if (detalle.length) item.append(elemento("p", "meta", detalle.join(" · ")));
  const resumen = datos.meta.resumen || texto(datos.excerpt);
  if (resumen) item.append(elemento("p", "", recortar(resumen)));
  return item;
}

async function mostrarSiguientes(vuelta) {
  const tanda = pendientes.slice(0, POR_VEZ);
  pendientes = pendientes.slice(POR_VEZ);
  const datos = await Promise.all(tanda.map((encontrado) => encontrado.data()));
  if (vuelta !== turno) return null;
  const nuevos = datos.map(resultado);
  lista.append(...nuevos);
  lista.hidden = false;
  mas.hidden = pendientes.length === 0;
  return nuevos[0] || null;
}

function anunciar(mensaje) {
  estado.textContent = mensaje;
}

async function buscar(consulta) {
  const vuelta = ++turno;
  lista.replaceChildren();
  lista.hidden = true;
  mas.hidden = true;
  pendientes = [];
  if (!consulta) {
    anunciar("");
    document.title = tituloOriginal;
    return;
  }
  document.title = `«${consulta}»: ${tituloOriginal}`;
  anunciar("Buscando…");
  let todos;
  let tramites;
  try {
    const buscador = await motor();
    [todos, tramites] = await Promise.all([
      buscador.search(consulta),
      buscador.search(consulta, { filters: { tipo: "tramite" } }),
    ]);
  } catch (error) {
    if (vuelta === turno) {
      anunciar("La búsqueda no está disponible en este momento. " +
        "Encuentre lo que busca en el índice de la A a la Z, más abajo.");
    }
    console.error(error);
    return;
  }
  if (vuelta !== turno) return;
  // Los trámites primero; dentro de cada grupo, el orden de relevancia de Pagefind.
  const sonTramites = new Set(tramites.results.map((encontrado) => encontrado.id));
  pendientes = [
    ...todos.results.filter((encontrado) => sonTramites.has(encontrado.id)),
    ...todos.results.filter((encontrado) => !sonTramites.has(encontrado.id)),
  ];
  const total = pendientes.length;
  if (total === 0) {
    anunciar(`No se encontraron resultados para «${consulta}». Revise cómo está escrita ` +
      "cada palabra, pruebe con otra palabra o con menos palabras, o busque en el índice " +
      "de la A a la Z, más abajo.");
    return;
  }
  await mostrarSiguientes(vuelta);
  if (vuelta !== turno) return;
  const cuantos = total === 1 ? "1 resultado" : `${total} resultados`;
  const primero = sonTramites.size ? "; primero los trámites" : "";
  anunciar(`${cuantos} para «${consulta}»${primero}.`);
}

function consultaDeLaDireccion() {
  return (new URLSearchParams(location.search).get("q") || "").trim();
}

formulario.addEventListener("submit", (evento) => {
  evento.preventDefault();
  const consulta = campo.value.trim();
  const direccion = new URL(location.href);
  direccion.search = consulta ? `?q=${encodeURIComponent(consulta)}` : "";
  history.pushState(null, "", direccion);
  buscar(consulta);
});

mas.addEventListener("click", async () => {
  const primero = await mostrarSiguientes(turno);
  if (primero) primero.querySelector("a").focus();
});

window.addEventListener("popstate", () => {
  campo.value = consultaDeLaDireccion();
  buscar(campo.value);
});

// Quien escribe en el campo va a buscar: el motor se descarga mientras escribe.
campo.addEventListener("focus", () => motor().catch(() => {}), { once: true });

campo.value = consultaDeLaDireccion();
buscar(campo.value);
