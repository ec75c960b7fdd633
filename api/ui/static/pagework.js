// Seiten bearbeiten: the plan (turns, dropped pages, split points, appended documents)
// lives here until "Anwenden" sends it to POST /api/v1/documents/{id}/pagework.
import { api, announce, announceError, shortcut } from "./eakte.js";

const root = document.getElementById("pagework");
const done = document.getElementById("pw-nachfolger");

const KIND_TEXT = { blank: "leere Seite", separator: "Trennblatt" };

function plural(count, one, many) { return `${count} ${count === 1 ? one : many}`; }

function decodeHtml(text) {
  return new DOMParser().parseFromString(text, "text/html").body.textContent || "";
}

function editor() {
  const documentId = root.dataset.document;
  const width = Number(root.dataset.width);
  const grid = document.getElementById("pw-grid");
  const sources = [{ id: documentId, title: root.dataset.title, pages: Number(root.dataset.pages) }];
  let pages = [];
  let current = 0;

  function pagesOf(source) {
    return Array.from({ length: source.pages }, (_, index) => ({
      source, page: index + 1, turn: 0, drop: false, split: false, proposal: null,
    }));
  }

  function rebuild() {
    const old = new Map(pages.map((p) => [`${p.source.id}:${p.page}`, p]));
    pages = sources.flatMap((source) => pagesOf(source).map((p) => old.get(`${source.id}:${p.page}`) || p));
    pages[0].split = false;
    current = Math.min(current, pages.length - 1);
    renderGrid();
    renderPreview();
  }

  function button(label, op, extra = {}) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.op = op;
    b.textContent = label;
    for (const [key, value] of Object.entries(extra)) b.setAttribute(key, value);
    return b;
  }

  function tile(entry, index) {
    const number = index + 1;
    const li = document.createElement("li");
    li.className = "pw-page";
    li.dataset.index = String(index);
    li.tabIndex = index === current ? 0 : -1;
    li.setAttribute("aria-labelledby", `pw-seite-${number}`);
    const mark = document.createElement("p");
    mark.className = "pw-split-mark";
    mark.textContent = "Neues Dokument ab hier";
    const frame = document.createElement("div");
    frame.className = "pw-frame";
    const img = document.createElement("img");
    img.src = `/api/v1/documents/${entry.source.id}/pages/${entry.page}/image?width=${width}`;
    img.alt = `Vorschau von Seite ${number}`;
    img.loading = "lazy";
    img.width = width;
    frame.append(img);
    const label = document.createElement("p");
    label.className = "pw-label";
    label.id = `pw-seite-${number}`;
    label.textContent = `Seite ${number}`;
    if (sources.length > 1) label.textContent += ` (${entry.source.title}, S. ${entry.page})`;
    const state = document.createElement("p");
    state.className = "pw-state";
    const controls = document.createElement("div");
    controls.className = "pw-controls";
    controls.append(
      button("⟲ Links drehen", "left", { "aria-label": `Seite ${number} nach links drehen` }),
      button("Rechts drehen ⟳", "right", { "aria-label": `Seite ${number} nach rechts drehen` }),
      button("Weglassen", "drop", { "aria-label": `Seite ${number} weglassen` }),
      button("Hier teilen", "split", { "aria-label": `Vor Seite ${number} teilen` }),
    );
    li.append(mark, frame, label, state, controls);
    paint(li, entry, index);
    return li;
  }

  function paint(li, entry, index) {
    li.classList.toggle("dropped", entry.drop);
    li.classList.toggle("split", entry.split);
    li.querySelector(".pw-split-mark").hidden = !entry.split;
    const frame = li.querySelector(".pw-frame");
    frame.classList.remove("rot-90", "rot-180", "rot-270");
    if (entry.turn) frame.classList.add(`rot-${entry.turn}`);
    const notes = [];
    if (entry.turn) notes.push(`gedreht um ${entry.turn}°`);
    if (entry.drop) notes.push("wird weggelassen");
    if (entry.proposal) notes.push(`Vorschlag: ${KIND_TEXT[entry.proposal.kind] || entry.proposal.kind}`);
    li.querySelector(".pw-state").textContent = notes.join(" · ");
    li.querySelector('[data-op="drop"]').setAttribute("aria-pressed", String(entry.drop));
    const split = li.querySelector('[data-op="split"]');
    split.setAttribute("aria-pressed", String(entry.split));
    split.disabled = index === 0;
  }

  function renderGrid() {
    grid.replaceChildren(...pages.map(tile));
  }

  function repaint(index) {
    const li = grid.children[index];
    if (li) paint(li, pages[index], index);
    renderPreview();
  }

  function parts() {
    const result = [[]];
    pages.forEach((entry, index) => {
      if (entry.split && index > 0) result.push([]);
      if (!entry.drop) result[result.length - 1].push({ entry, number: index + 1 });
    });
    return result;
  }

  function renderPreview() {
    const list = document.getElementById("pw-vorschau");
    const all = parts();
    const base = sources[0].title.replace(/\s+–\s+Teil \d+\/\d+$/, "");
    list.replaceChildren(...all.map((part, index) => {
      const li = document.createElement("li");
      const title = all.length === 1 ? sources[0].title : `${base} – Teil ${index + 1}/${all.length}`;
      if (!part.length) {
        li.textContent = `${title}: keine Seiten – so nicht möglich`;
        li.className = "error";
        return li;
      }
      const numbers = part.map(({ entry, number }) => (entry.turn ? `${number} (${entry.turn}°)` : String(number)));
      li.textContent = `${title}: ${plural(part.length, "Seite", "Seiten")} – ${numbers.join(", ")}`;
      return li;
    }));
    const dropped = pages.map((e, i) => (e.drop ? i + 1 : null)).filter((n) => n !== null);
    document.getElementById("pw-weggelassen").textContent = dropped.length
      ? `Weggelassen: Seite ${dropped.join(", ")}` : "Keine Seite wird weggelassen.";
  }

  function focusPage(index) {
    if (!pages.length) return;
    current = Math.max(0, Math.min(index, pages.length - 1));
    for (const li of grid.children) li.tabIndex = Number(li.dataset.index) === current ? 0 : -1;
    grid.children[current].focus();
  }

  function act(op, index) {
    const entry = pages[index];
    const number = index + 1;
    if (op === "left" || op === "right") {
      entry.turn = (entry.turn + (op === "right" ? 90 : 270)) % 360;
      announce(`Seite ${number} ${op === "right" ? "nach rechts" : "nach links"} gedreht, jetzt ${entry.turn}°.`);
    } else if (op === "drop") {
      entry.drop = !entry.drop;
      announce(`Seite ${number} ${entry.drop ? "wird weggelassen" : "bleibt erhalten"}.`);
    } else if (op === "split") {
      if (index === 0) { announce("Vor der ersten Seite lässt sich nicht teilen."); return; }
      entry.split = !entry.split;
      announce(entry.split ? `Ab Seite ${number} beginnt ein neues Dokument.` : `Teilung vor Seite ${number} aufgehoben.`);
    }
    repaint(index);
  }

  function indexOfEvent(event) {
    const li = event.target instanceof Element ? event.target.closest(".pw-page") : null;
    return li ? Number(li.dataset.index) : current;
  }

  grid.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("button[data-op]") : null;
    if (!target) return;
    const index = indexOfEvent(event);
    current = index;
    act(target.dataset.op, index);
  });
  grid.addEventListener("focusin", (event) => {
    const index = indexOfEvent(event);
    if (index !== current) {
      current = index;
      for (const li of grid.children) li.tabIndex = Number(li.dataset.index) === current ? 0 : -1;
    }
  });

  async function loadProposals(source) {
    const status = document.getElementById("pw-vorschlaege");
    try {
      const result = await api("GET", `/api/v1/documents/${source.id}/pagework/proposal`);
      const marked = [];
      for (const proposal of result.proposals) {
        const index = pages.findIndex((e) => e.source === source && e.page === proposal.page);
        if (index < 0) continue;
        pages[index].proposal = proposal;
        pages[index].drop = true;
        marked.push(`Seite ${index + 1} (${KIND_TEXT[proposal.kind] || proposal.kind})`);
        repaint(index);
      }
      status.textContent = marked.length
        ? `Zum Weglassen vorgemerkt: ${marked.join(", ")}. Prüfen Sie die Vorschläge; „Weglassen“ nimmt sie zurück.`
        : `Keine leeren Seiten oder Trennblätter in „${source.title}“ gefunden.`;
    } catch (error) {
      status.textContent = "Vorschläge für leere Seiten und Trennblätter sind gerade nicht verfügbar.";
      announceError(error);
    }
  }

  function renderAppended() {
    const list = document.getElementById("pw-angehaengt");
    if (sources.length === 1) {
      const li = document.createElement("li");
      li.className = "hint";
      li.textContent = "Noch keine.";
      list.replaceChildren(li);
      return;
    }
    list.replaceChildren(...sources.slice(1).map((source) => {
      const li = document.createElement("li");
      li.append(`${source.title} (${plural(source.pages, "Seite", "Seiten")}) `);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button";
      remove.textContent = "Entfernen";
      remove.setAttribute("aria-label", `${source.title} wieder entfernen`);
      remove.addEventListener("click", () => {
        sources.splice(sources.indexOf(source), 1);
        rebuild();
        renderAppended();
        announce(`${source.title} entfernt.`);
        document.getElementById("pw-merge-titel").focus();
      });
      li.append(remove);
      return li;
    }));
  }

  function append(source) {
    if (sources.some((s) => s.id === source.id)) { announce(`${source.title} ist schon angehängt.`); return; }
    sources.push(source);
    rebuild();
    renderAppended();
    announce(`${source.title} angehängt: ${plural(source.pages, "Seite", "Seiten")}, jetzt ${plural(pages.length, "Seite", "Seiten")} insgesamt.`);
    loadProposals(source);
  }

  for (const b of document.querySelectorAll(".pw-append")) {
    b.addEventListener("click", () => append({ id: b.dataset.document, title: b.dataset.title, pages: Number(b.dataset.pages) }));
  }

  const search = document.getElementById("pw-suche");
  if (search) {
    search.addEventListener("submit", async (event) => {
      event.preventDefault();
      const q = document.getElementById("pw-suche-q").value.trim();
      const hits = document.getElementById("pw-treffer");
      try {
        const result = await api("GET", `/api/v1/search?q=${encodeURIComponent(q)}&filing_status=in_review&limit=20`);
        const found = result.hits.filter((hit) => !sources.some((s) => s.id === hit.document_id));
        hits.replaceChildren(...found.map((hit) => {
          const li = document.createElement("li");
          const b = document.createElement("button");
          b.type = "button";
          const title = decodeHtml(hit.title);
          b.textContent = `Anhängen: ${title}`;
          b.addEventListener("click", async () => {
            try {
              const doc = await api("GET", `/api/v1/documents/${hit.document_id}`);
              append({ id: doc.id, title: doc.title, pages: doc.pages });
            } catch (error) { announceError(error); }
          });
          li.append(b);
          return li;
        }));
        announce(found.length ? `${plural(found.length, "Treffer", "Treffer")}.` : "Keine passenden ungeprüften Dokumente.");
      } catch (error) { announceError(error); }
    });
  }

  let applying = false;
  async function apply() {
    if (applying) return;
    const body = {
      append: sources.slice(1).map((s) => s.id),
      rotate: pages.map((e, i) => ({ page: i + 1, degrees: e.turn })).filter((r) => r.degrees),
      drop: pages.map((e, i) => (e.drop ? i + 1 : 0)).filter(Boolean),
      split_before: pages.map((e, i) => (e.split && i > 0 ? i + 1 : 0)).filter(Boolean),
    };
    if (!body.append.length && !body.rotate.length && !body.drop.length && !body.split_before.length) {
      announce("Nichts zu tun: keine Seite gedreht, weggelassen, geteilt oder angehängt.");
      return;
    }
    applying = true;
    const applyButton = document.getElementById("pw-anwenden");
    applyButton.disabled = true;
    try {
      const result = await api("POST", `/api/v1/documents/${documentId}/pagework`, body);
      announce(`${plural(result.results.length, "neues Dokument", "neue Dokumente")} angelegt.`);
      window.location.assign(`/ui/dokumente/${documentId}/seiten`);
    } catch (error) {
      announceError(error);
      applyButton.disabled = false;
      applying = false;
    }
  }
  document.getElementById("pw-anwenden").addEventListener("click", apply);

  // Arrows move between pages while a page has the focus; elsewhere they still scroll.
  function arrow(step, dx, dy) {
    return () => {
      if (grid.contains(document.activeElement)) focusPage(current + step);
      else window.scrollBy({ left: dx, top: dy });
    };
  }
  shortcut("ArrowRight", "Nächste Seite (im Seitenraster)", arrow(1, 40, 0));
  shortcut("ArrowDown", "Nächste Seite (im Seitenraster)", arrow(1, 0, 40));
  shortcut("ArrowLeft", "Vorige Seite (im Seitenraster)", arrow(-1, -40, 0));
  shortcut("ArrowUp", "Vorige Seite (im Seitenraster)", arrow(-1, 0, -40));
  shortcut("r", "Seite nach rechts drehen", () => act("right", current));
  shortcut("R", "Seite nach links drehen", () => act("left", current));
  shortcut("x", "Seite weglassen oder behalten", () => act("drop", current));
  shortcut("t", "Vor dieser Seite teilen (oder Teilung aufheben)", () => act("split", current));
  shortcut("Enter", "Anwenden (auf Knöpfen und Links: diese auslösen)", (event) => {
    const target = event.target instanceof Element ? event.target.closest("button, a, summary") : null;
    if (target) target.click();
    else apply();
  });

  rebuild();
  loadProposals(sources[0]);
}

function waitForSuccessors() {
  const status = document.getElementById("pw-stand");
  if (Number(done.dataset.pending) === 0) return;
  status.textContent = "Die neuen Dokumente werden klassifiziert; die Links zum Prüfen erscheinen gleich.";
  let tries = 0;
  const timer = window.setInterval(async () => {
    tries += 1;
    try {
      const lineage = await api("GET", `/api/v1/documents/${done.dataset.document}/pagework`);
      const successors = lineage.superseded ? lineage.superseded.successors : [];
      const states = await Promise.all(successors.map((s) => api("GET", `/api/v1/documents/${s.id}`)));
      // Classified: waiting in a review queue (with a task) or filed automatically.
      const ready = states.every((d) => d.filing_status !== "unfiled");
      if (ready || tries >= 40) {
        window.clearInterval(timer);
        window.location.reload();
      }
    } catch (error) {
      window.clearInterval(timer);
      announceError(error);
    }
  }, 1500);
}

if (root) editor();
if (done) waitForSuccessors();
