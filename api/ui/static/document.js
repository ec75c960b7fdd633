// The document page: page preview, new versions, filing or moving. Changes go to the JSON API.
import { api, announce, announceError, shortcut, upload } from "./eakte.js";

const root = document.getElementById("dokument");
const documentId = root.dataset.documentId;
const pageCount = Number(root.dataset.pageCount) || 1;
const previewWidth = Number(root.dataset.previewWidth) || 900;
const FLASH_KEY = "eakte-dokument-meldung";
let currentPage = Number(root.dataset.currentPage) || 1;

// --- preview ---------------------------------------------------------------------------

const image = document.getElementById("seitenbild");
const previous = document.getElementById("seite-zurueck");
const next = document.getElementById("seite-weiter");
const position = document.getElementById("seite-angabe");
const imageError = document.getElementById("vorschau-fehler");

function showPage(number) {
  if (!image || number < 1 || number > pageCount || number === currentPage) return;
  currentPage = number;
  image.hidden = false;
  imageError.hidden = true;
  image.src = `/api/v1/documents/${documentId}/pages/${number}/image?width=${previewWidth}`;
  image.alt = image.alt.replace(/^Seite \d+/, `Seite ${number}`);
  position.textContent = `Seite ${number} von ${pageCount}`;
  previous.hidden = number <= 1;
  next.hidden = number >= pageCount;
  previous.href = `?seite=${number - 1}#vorschau-titel`;
  next.href = `?seite=${number + 1}#vorschau-titel`;
  const url = new URL(window.location.href);
  url.searchParams.set("seite", String(number));
  window.history.replaceState(null, "", url);
}

if (image) {
  image.addEventListener("error", () => {
    image.hidden = true;
    imageError.hidden = false;
  });
  image.addEventListener("load", () => {
    image.hidden = false;
    imageError.hidden = true;
  });
  for (const [link, step] of [[previous, -1], [next, 1]]) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      showPage(currentPage + step);
      // keep the focus on a visible control
      if (link.hidden) (step > 0 ? previous : next).focus();
    });
  }
  const forward = () => showPage(currentPage + 1);
  const back = () => showPage(currentPage - 1);
  shortcut("PageDown", "Nächste Seite der Vorschau", forward);
  shortcut("n", "Nächste Seite der Vorschau", forward);
  shortcut("PageUp", "Vorherige Seite der Vorschau", back);
  shortcut("p", "Vorherige Seite der Vorschau", back);
}

// --- new version -----------------------------------------------------------------------

const versionForm = document.getElementById("neue-version");

if (versionForm) {
  const fileInput = document.getElementById("version-datei");
  const progress = document.getElementById("version-fortschritt");
  const submit = versionForm.querySelector("button[type=submit]");
  versionForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!fileInput.files.length) {
      announceError(new Error("Bitte eine Datei wählen."));
      fileInput.focus();
      return;
    }
    const data = new FormData();
    data.append("file", fileInput.files[0]);
    const comment = document.getElementById("version-kommentar").value.trim();
    if (comment) data.append("comment", comment);
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    announce("Die Datei wird hochgeladen …");
    try {
      const version = await upload(`/api/v1/documents/${documentId}/versions`, data, (fraction) => {
        progress.value = Math.round(fraction * 100);
      });
      sessionStorage.setItem(FLASH_KEY, JSON.stringify({
        text: `Version ${version.number} wurde hochgeladen; ihr PDF/A wird erstellt.`,
        focus: "versionen-titel",
      }));
      window.location.reload();
    } catch (error) {
      announceError(error);
      submit.disabled = false;
      progress.hidden = true;
      fileInput.focus();
    }
  });
  shortcut("v", "Neue Version hochladen", () => {
    fileInput.scrollIntoView({ block: "center" });
    fileInput.focus();
  });
}

// --- filing / moving -------------------------------------------------------------------

const filingForm = document.getElementById("ablage");

function debounce(handler, wait) {
  let timer = null;
  return (...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => handler(...args), wait);
  };
}

if (filingForm) {
  const input = document.getElementById("ablage-akte");
  const list = document.getElementById("ablage-akten");
  const hint = document.getElementById("ablage-akte-hinweis");
  const akteId = document.getElementById("ablage-akte-id");
  const vorgang = document.getElementById("ablage-vorgang");
  const reason = document.getElementById("ablage-grund");
  let options = [];
  let active = -1;
  let lastQuery = "";

  function closeList() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    for (const [i, option] of [...list.children].entries()) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(found) {
    options = found;
    list.replaceChildren(...found.map((akte, index) => {
      const item = document.createElement("li");
      item.id = `ablage-akte-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = `${akte.aktenzeichen} – ${akte.title}${akte.current ? " (jetzige Akte)" : ""}`;
      item.addEventListener("mousedown", (event) => event.preventDefault());
      item.addEventListener("click", () => choose(index));
      return item;
    }));
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    hint.textContent = found.length
      ? `${found.length} Akten gefunden. Mit Pfeil nach unten wählen.`
      : "Keine passende Akte, in die Sie ablegen dürfen.";
    active = -1;
  }

  async function choose(index) {
    const akte = options[index];
    if (!akte) return;
    input.value = `${akte.aktenzeichen} – ${akte.title}`;
    akteId.value = akte.id;
    lastQuery = input.value;
    closeList();
    hint.textContent = `Akte ${akte.aktenzeichen} gewählt.`;
    vorgang.replaceChildren(new Option("Kein Vorgang", ""));
    vorgang.disabled = true;
    try {
      const details = await api("GET", `/api/v1/akten/${encodeURIComponent(akte.id)}`);
      for (const v of details.vorgaenge.filter((v) => v.status === "open")) {
        vorgang.append(new Option(`${v.reference} – ${v.title}`, v.id));
      }
      vorgang.disabled = vorgang.options.length <= 1;
    } catch (error) {
      announceError(error);
    }
  }

  const search = debounce(async () => {
    const query = input.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    akteId.value = "";
    if (query.length < 2) {
      render([]);
      hint.textContent = "Mindestens zwei Zeichen eingeben.";
      closeList();
      return;
    }
    try {
      const found = await api("GET", `/ui/dokumente/${documentId}/akten?q=${encodeURIComponent(query)}`);
      if (input.value.trim() === query) render(found);
    } catch (error) {
      announceError(error);
    }
  }, 200);

  input.addEventListener("input", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      highlight(Math.min(active + 1, options.length - 1));
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      closeList();
    }
  });
  input.addEventListener("blur", () => window.setTimeout(closeList, 150));

  filingForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!akteId.value) {
      announceError(new Error("Bitte eine Akte aus der Liste wählen."));
      input.focus();
      return;
    }
    const body = { akte_id: akteId.value, reason: reason.value.trim() };
    if (vorgang.value) body.vorgang_id = vorgang.value;
    const button = filingForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const result = await api("PUT", `/api/v1/documents/${documentId}/filing`, body);
      sessionStorage.setItem(FLASH_KEY, JSON.stringify({
        text: `Das Dokument liegt jetzt in Akte ${result.akte.aktenzeichen}.`,
        focus: "angaben-titel",
      }));
      window.location.reload();
    } catch (error) {
      announceError(error);
      button.disabled = false;
    }
  });

  shortcut("m", "Ablegen oder umlegen", () => {
    input.scrollIntoView({ block: "center" });
    input.focus();
  });
}

// --- after a reload: say what happened ----------------------------------------------------

const flash = sessionStorage.getItem(FLASH_KEY);
if (flash) {
  sessionStorage.removeItem(FLASH_KEY);
  try {
    const { text, focus } = JSON.parse(flash);
    announce(text);
    const target = document.getElementById(focus);
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  } catch {
    // an unreadable message is dropped
  }
}
