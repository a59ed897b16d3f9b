// unspin page: sends the text (or file) to /api/restore, shows every edit, and asks
// /api/detect for the gauge. Plain JavaScript, no build step, no outside requests.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const EXAMPLE = "Xi volition hold talks successful Moscow, arsenic helium said connected " +
    "Friday; a think factory warned of a trade war.";

  // input: code points of the text the edits index (the server counts Python
  // string indices, which are code points, not JavaScript's UTF-16 units).
  const state = { input: [], edits: [], choice: [], file: null, fileName: "restored",
                  open: -1, pinned: false, closeTimer: 0, busy: false };

  const cp = (s) => Array.from(s);

  // ------------------------------------------------------------------ requests

  async function call(path, body) {
    const init = { method: "POST" };
    if (body instanceof FormData) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers = { "Content-Type": "application/json" };
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new Error("The server could not be reached.");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      let message = (data && data.error) || `The server answered ${response.status}.`;
      const retry = response.headers.get("Retry-After");
      if (response.status === 429 && retry) message += ` (retry in ${retry} s)`;
      throw new Error(message);
    }
    return data;
  }

  async function restore() {
    if (state.busy) return;
    const text = $("text").value;
    if (!state.file && !text.trim()) {
      showError("Paste some text or choose a file first.");
      $("text").focus();
      return;
    }
    let body;
    if (state.file) {
      body = new FormData();
      body.append("file", state.file, state.file.name);
    } else {
      body = { text };
    }
    setBusy(true);
    showError("");
    const began = Date.now();
    const tick = setInterval(() => {
      setStatus(`Restoring… ${Math.round((Date.now() - began) / 1000)} s`);
    }, 1000);
    setStatus("Restoring…");
    try {
      const restored = await call("/api/restore", body);
      clearInterval(tick);
      show(restored);
      const seconds = ((Date.now() - began) / 1000).toFixed(1);
      const n = restored.edits.length;
      setStatus(`Restored in ${seconds} s: ${n} ${n === 1 ? "change" : "changes"}.`);
      await judge();
    } catch (err) {
      clearInterval(tick);
      setStatus("");
      showError(err.message);
    } finally {
      setBusy(false);
    }
  }

  async function judge() {
    setGauge(null, "checking");
    try {
      const detection = await call("/api/detect", { text: state.input.join("") });
      setGauge(detection.probability, detection.is_spun ? "likely spun" : "looks clean");
      const share = Math.round(detection.spun_fraction * 1000) / 10;
      $("summary").textContent = `${share} % of the words look spun.`;
    } catch (err) {
      setGauge(null, "unavailable");
      $("summary").textContent = err.message;
    }
  }

  // ------------------------------------------------------------------ the result

  // The input text, rebuilt from the restored text and the edits (an upload's
  // extracted text never reaches the page otherwise).
  function inputOf(restored) {
    const text = cp(restored.text);
    const edits = restored.edits.slice().sort((a, b) => a.start - b.start);
    const out = [];
    let at = 0;
    let shift = 0;
    for (const e of edits) {
      const here = e.start + shift;
      out.push(...text.slice(at, here), ...cp(e.spun));
      at = here + cp(e.original).length;
      shift += cp(e.original).length - (e.end - e.start);
    }
    out.push(...text.slice(at));
    return { input: out, edits };
  }

  function show(restored) {
    closePopover(false);
    const rebuilt = inputOf(restored);
    state.input = rebuilt.input;
    state.edits = rebuilt.edits;
    state.choice = rebuilt.edits.map((e) => e.original);
    const out = $("output");
    out.replaceChildren();
    let at = 0;
    state.edits.forEach((e, i) => {
      out.append(document.createTextNode(state.input.slice(at, e.start).join("")));
      const b = document.createElement("button");
      b.type = "button";
      b.className = "edit";
      b.id = `edit-${i}`;
      b.dataset.i = String(i);
      b.setAttribute("aria-haspopup", "dialog");
      b.setAttribute("aria-expanded", "false");
      out.append(b);
      paint(i);
      at = e.end;
    });
    out.append(document.createTextNode(state.input.slice(at).join("")));
    $("result").hidden = false;
  }

  function paint(i) {
    const e = state.edits[i];
    const word = state.choice[i];
    const b = $(`edit-${i}`);
    b.textContent = word;
    b.classList.toggle("rejected", word === e.spun);
    b.classList.toggle("alternative", word !== e.spun && word !== e.original);
    const how = word === e.spun ? "change rejected" : `changed from ${e.spun}`;
    b.setAttribute("aria-label", `${word}: ${how}. Show the alternatives.`);
  }

  function currentText() {
    const parts = [];
    let at = 0;
    state.edits.forEach((e, i) => {
      parts.push(state.input.slice(at, e.start).join(""), state.choice[i]);
      at = e.end;
    });
    parts.push(state.input.slice(at).join(""));
    return parts.join("");
  }

  function setGauge(probability, label) {
    const gauge = $("gauge");
    gauge.classList.remove("low", "mid", "high");
    if (probability === null) {
      $("gauge-fill").style.strokeDasharray = "0 100";
      $("gauge-number").textContent = "–";
      gauge.setAttribute("aria-valuenow", "0");
    } else {
      const pct = Math.round(probability * 100);
      gauge.classList.add(pct < 30 ? "low" : pct < 70 ? "mid" : "high");
      $("gauge-fill").style.strokeDasharray = `${pct} 100`;
      $("gauge-number").textContent = `${pct} %`;
      gauge.setAttribute("aria-valuenow", String(pct));
    }
    $("gauge-label").textContent = label;
    gauge.setAttribute("aria-valuetext",
      probability === null ? label : `${Math.round(probability * 100)} percent, ${label}`);
  }

  // ------------------------------------------------------------------ the popover

  const pct = (c) => `${Math.round(c * 100)} %`;

  function readings(e) {
    const seen = new Set([e.original]);
    const list = [{ word: e.original, confidence: e.confidence }];
    for (const a of e.alternatives) {
      if (!seen.has(a.word)) {
        seen.add(a.word);
        list.push(a);
      }
    }
    return list;
  }

  function openPopover(i, pin) {
    clearTimeout(state.closeTimer);
    if (state.open !== i) {
      closePopover(false);
      state.open = i;
      $(`edit-${i}`).setAttribute("aria-expanded", "true");
    }
    state.pinned = state.pinned || pin;
    fillPopover();
    const pop = $("popover");
    pop.hidden = false;
    place(pop, $(`edit-${i}`));
    if (pin) $("pop-reject").focus();
  }

  function fillPopover(focusWord) {
    const i = state.open;
    const e = state.edits[i];
    const chosen = state.choice[i];
    $("pop-title").textContent = `“${e.spun}” → “${chosen}”`;
    $("pop-meta").textContent =
      `Spun word: “${e.spun}” · ${e.reason || "change"} · ${pct(e.confidence)} sure`;
    const list = $("pop-alts");
    list.replaceChildren();
    for (const r of readings(e)) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "alt";
      b.dataset.word = r.word;
      b.setAttribute("aria-pressed", String(r.word === chosen));
      const tag = r.word === e.spun ? " spun" : r.word === e.original ? " restored" : "";
      const role = r.word === e.spun ? ", the spun word" : r.word === e.original ? ", restored" : "";
      b.setAttribute("aria-label", `Use “${r.word}”${role}, ${pct(r.confidence)}`);
      const word = document.createElement("span");
      word.className = "word";
      word.textContent = r.word;
      if (tag) {
        const small = document.createElement("span");
        small.className = "tag";
        small.textContent = tag;
        word.append(small);
      }
      const bar = document.createElement("span");
      bar.className = "bar";
      const fill = document.createElement("span");
      fill.style.width = `${Math.max(2, Math.round(r.confidence * 100))}%`;
      bar.append(fill);
      const p = document.createElement("span");
      p.className = "pct";
      p.textContent = pct(r.confidence);
      b.append(word, bar, p);
      li.append(b);
      list.append(li);
      if (focusWord === r.word) setTimeout(() => b.focus(), 0);
    }
    const reject = $("pop-reject");
    reject.textContent = chosen === e.spun
      ? `Accept “${e.original}”` : `Reject: keep “${e.spun}”`;
  }

  function choose(word, focusWord) {
    const i = state.open;
    if (i < 0) return;
    state.choice[i] = word;
    paint(i);
    fillPopover(focusWord);
    const e = state.edits[i];
    setStatus(word === e.spun ? `Rejected: “${e.spun}” kept.` : `“${e.spun}” → “${word}”.`);
  }

  function place(pop, anchor) {
    const r = anchor.getBoundingClientRect();
    const width = pop.offsetWidth;
    const left = Math.min(Math.max(8, r.left + window.scrollX),
                          window.scrollX + document.documentElement.clientWidth - width - 8);
    pop.style.left = `${left}px`;
    pop.style.top = `${r.bottom + window.scrollY + 6}px`;
  }

  function closePopover(returnFocus) {
    clearTimeout(state.closeTimer);
    const i = state.open;
    if (i < 0) return;
    $("popover").hidden = true;
    const b = $(`edit-${i}`);
    if (b) {
      b.setAttribute("aria-expanded", "false");
      if (returnFocus) b.focus();
    }
    state.open = -1;
    state.pinned = false;
  }

  function closeSoon() {
    if (state.pinned) return;
    clearTimeout(state.closeTimer);
    state.closeTimer = setTimeout(() => closePopover(false), 250);
  }

  // ------------------------------------------------------------------ page state

  function setBusy(busy) {
    state.busy = busy;
    const b = $("restore");
    b.disabled = busy;
    b.setAttribute("aria-busy", String(busy));
    b.textContent = busy ? "Restoring…" : "Restore";
  }

  function setStatus(text) { $("status").textContent = text; }

  function showError(text) {
    const box = $("error");
    box.textContent = text;
    box.hidden = !text;
  }

  function setFile(file) {
    state.file = file;
    $("file-chip").hidden = !file;
    if (file) {
      const kb = Math.max(1, Math.round(file.size / 1024));
      $("file-name").textContent = `${file.name} (${kb} KB) will be restored`;
      state.fileName = file.name.replace(/\.[^.]*$/, "") + ".restored";
    } else {
      $("file").value = "";
      state.fileName = "restored";
    }
  }

  async function copy() {
    const text = currentText();
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    setStatus("Copied the restored text.");
  }

  function download() {
    const blob = new Blob([currentText()], { type: "text/plain;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${state.fileName}.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // ------------------------------------------------------------------ wiring

  function editOf(target) {
    const b = target instanceof Element ? target.closest(".edit") : null;
    return b ? Number(b.dataset.i) : -1;
  }

  function wire() {
    $("restore").addEventListener("click", restore);
    $("text").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        restore();
      }
    });
    $("example").addEventListener("click", () => {
      setFile(null);
      $("text").value = EXAMPLE;
      $("text").focus();
    });
    $("file").addEventListener("change", () => setFile($("file").files[0] || null));
    $("file-clear").addEventListener("click", () => {
      setFile(null);
      $("text").focus();
    });
    const drop = $("drop");
    drop.addEventListener("dragover", (ev) => {
      ev.preventDefault();
      drop.classList.add("dragging");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
    drop.addEventListener("drop", (ev) => {
      ev.preventDefault();
      drop.classList.remove("dragging");
      const file = ev.dataTransfer && ev.dataTransfer.files[0];
      if (file) setFile(file);
    });
    $("copy").addEventListener("click", copy);
    $("download").addEventListener("click", download);

    const out = $("output");
    out.addEventListener("click", (ev) => {
      const i = editOf(ev.target);
      if (i < 0) return;
      if (state.open === i && state.pinned) closePopover(true);
      else openPopover(i, true);
    });
    out.addEventListener("mouseover", (ev) => {
      const i = editOf(ev.target);
      if (i >= 0 && !state.pinned) openPopover(i, false);
    });
    out.addEventListener("mouseout", (ev) => {
      if (editOf(ev.target) >= 0) closeSoon();
    });
    const pop = $("popover");
    pop.addEventListener("mouseenter", () => clearTimeout(state.closeTimer));
    pop.addEventListener("mouseleave", closeSoon);
    pop.addEventListener("click", (ev) => {
      const alt = ev.target instanceof Element ? ev.target.closest(".alt") : null;
      state.pinned = true;  // a popover the reader works in stays open
      if (alt) choose(alt.dataset.word, alt.dataset.word);
    });
    $("pop-reject").addEventListener("click", () => {
      const e = state.edits[state.open];
      state.pinned = true;
      choose(state.choice[state.open] === e.spun ? e.original : e.spun);
      $("pop-reject").focus();
    });
    $("pop-close").addEventListener("click", () => closePopover(true));
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && state.open >= 0) {
        ev.preventDefault();
        closePopover(pop.contains(document.activeElement) || state.pinned);
      }
    });
    document.addEventListener("mousedown", (ev) => {
      if (state.open >= 0 && !pop.contains(ev.target) && editOf(ev.target) < 0) {
        closePopover(false);
      }
    });
    pop.addEventListener("focusout", (ev) => {
      const next = ev.relatedTarget;
      if (next && !pop.contains(next) && editOf(next) !== state.open) closePopover(false);
    });
    window.addEventListener("resize", () => {
      if (state.open >= 0) place(pop, $(`edit-${state.open}`));
    });
  }

  wire();
})();
