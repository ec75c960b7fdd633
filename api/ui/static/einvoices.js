// E-Rechnungen: upload with progress, routing a waiting invoice, j/k through the list.
import { api, announceError, shortcut, upload } from "./eakte.js";

const POLL_MS = 1000;
const POLL_LIMIT = 120;

// ---------------------------------------------------------------- the list

function rows() {
  return Array.from(document.querySelectorAll("#rechnungen tbody tr[data-row]"));
}

let selected = -1;

function select(index) {
  const all = rows();
  if (!all.length) return;
  selected = Math.max(0, Math.min(index, all.length - 1));
  all.forEach((row, i) => row.classList.toggle("selected", i === selected));
  const link = all[selected].querySelector("a");
  if (link) link.focus();
}

function openSelected(event) {
  const target = event.target;
  // Enter keeps its meaning on buttons and links the user has focused.
  if (target instanceof HTMLElement && target.matches("button, a[href], summary")) {
    target.click();
    return;
  }
  const row = rows()[selected];
  const link = row && row.querySelector("a");
  if (link) window.location.assign(link.href);
}

if (document.getElementById("rechnungen")) {
  shortcut("j", "Nächste Rechnung in der Liste", () => select(selected + 1));
  shortcut("k", "Vorige Rechnung in der Liste", () => select(selected < 0 ? 0 : selected - 1));
  shortcut("Enter", "Ausgewählte Rechnung öffnen", openSelected);
  for (const [index, row] of rows().entries()) {
    row.addEventListener("focusin", () => {
      selected = index;
      rows().forEach((r, i) => r.classList.toggle("selected", i === index));
    });
  }
}

// ---------------------------------------------------------------- upload

function sleep(ms) {
  return new Promise((resolve) => { window.setTimeout(resolve, ms); });
}

async function waitUntilChecked(url) {
  for (let i = 0; i < POLL_LIMIT; i += 1) {
    const invoice = await api("GET", url);
    if (invoice.status !== "received") return invoice;
    await sleep(POLL_MS);
  }
  return null;
}

const uploadForm = document.getElementById("rechnung-hochladen");
if (uploadForm) {
  const input = document.getElementById("rechnung-datei");
  const progress = document.getElementById("hochladen-fortschritt");
  const status = document.getElementById("hochladen-status");
  const button = uploadForm.querySelector("button[type=submit]");
  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.files.length) {
      status.textContent = "Bitte zuerst eine Datei wählen.";
      input.focus();
      return;
    }
    const data = new FormData();
    data.append("file", input.files[0]);
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "Die Datei wird hochgeladen …";
    try {
      const receipt = await upload("/api/v1/einvoices", data, (fraction) => {
        progress.value = Math.round(fraction * 100);
      });
      progress.value = 100;
      status.textContent = receipt.duplicate
        ? "Diese Datei ist schon eingegangen; die frühere Rechnung wird angezeigt."
        : "Hochgeladen. Die Rechnung wird geprüft …";
      let checked = null;
      try {
        checked = await waitUntilChecked(receipt.url);
      } catch (error) {
        // Without the right to read invoices the receipt is all there is to show.
        if (error.status !== 403 && error.status !== 404) throw error;
      }
      if (checked === null) {
        status.textContent = "Hochgeladen. Die Prüfung dauert noch; die Liste zeigt das Ergebnis später.";
        button.disabled = false;
        return;
      }
      window.location.assign(`/ui/e-rechnungen?hochgeladen=${encodeURIComponent(receipt.id)}`);
    } catch (error) {
      progress.hidden = true;
      status.textContent = "";
      button.disabled = false;
      announceError(error);
    }
  });
}

// ---------------------------------------------------------------- routing

async function stillVisible(url) {
  try {
    await api("GET", url);
    return true;
  } catch (error) {
    if (error.status === 404) return false;
    throw error;
  }
}

const routeForm = document.getElementById("zuordnen");
if (routeForm) {
  routeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const unit = document.getElementById("zuordnen-einheit");
    const remember = document.getElementById("zuordnen-merken");
    if (!unit.value) {
      announceError(new Error("Bitte eine Organisationseinheit wählen."));
      unit.focus();
      return;
    }
    const button = routeForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const url = `/api/v1/einvoices/${encodeURIComponent(routeForm.dataset.einvoiceId)}`;
      await api("POST", `${url}/routing`, {
        org_unit: unit.value,
        remember_route: Boolean(remember && remember.checked),
      });
      if (await stillVisible(url)) {
        window.location.reload();
        return;
      }
      // Filed into another unit's Akte: the caller may no longer see the invoice.
      const done = document.createElement("p");
      done.className = "message ok";
      done.tabIndex = -1;
      done.textContent = `Die Rechnung ist ${unit.selectedOptions[0].textContent} zugeordnet. Sie liegt jetzt außerhalb Ihres Bereichs. `;
      const back = document.createElement("a");
      back.href = "/ui/e-rechnungen";
      back.textContent = "Zurück zur Liste";
      done.append(back);
      routeForm.replaceWith(done);
      done.focus(); // read out on focus; no second announcement
    } catch (error) {
      button.disabled = false;
      announceError(error);
      unit.focus();
    }
  });
}
