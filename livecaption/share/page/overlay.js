// /overlay: the newest caption lines on a transparent strip (OBS browser source). ?lines=2&size=48
"use strict";

const params = new URLSearchParams(location.search);
const token = params.get("k") || "";
const lines = Math.max(1, Math.min(5, Number(params.get("lines")) || 2));
const strip = document.getElementById("strip");
if (params.get("size")) strip.style.fontSize = Math.max(12, Math.min(160, Number(params.get("size")))) + "px";
const shown = new Map(); // caption id -> caption, newest last
let lastId = "";

function draw() {
  const recent = [...shown.values()].slice(-lines);
  strip.replaceChildren(...recent.map((c) => {
    const div = document.createElement("div");
    div.className = c.final ? "final" : "partial";
    div.textContent = (c.speaker ? c.speaker + ": " : "") + c.text;
    return div;
  }));
}

function connect() {
  const url = "/events?k=" + encodeURIComponent(token) + (lastId ? "&last=" + encodeURIComponent(lastId) : "");
  const source = new EventSource(url);
  source.onmessage = (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    const c = JSON.parse(e.data);
    shown.delete(c.id);
    if (c.text) shown.set(c.id, c);
    while (shown.size > 20) shown.delete(shown.keys().next().value);
    draw();
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 2000); }
  };
}

connect();
