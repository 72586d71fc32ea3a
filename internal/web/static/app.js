// Frontline UI behaviour: keyboard shortcuts, the reply/internal-note
// switch, and live updates on the agent ticket page (Server-Sent Events).
// No inline scripts anywhere: the CSP allows only this file and htmx.
(function () {
  "use strict";

  function csrf() { return document.body.getAttribute("data-csrf") || ""; }

  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  // --- ticket list: j/k selection, o/Enter to open, clickable rows -------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]")); }
  var selected = -1;
  function select(i) {
    var rs = rows();
    if (!rs.length) return;
    selected = Math.max(0, Math.min(rs.length - 1, i));
    rs.forEach(function (r, j) { r.classList.toggle("selected", j === selected); r.setAttribute("aria-selected", j === selected ? "true" : "false"); });
    var a = rs[selected].querySelector("a");
    if (a) a.focus();
  }

  // --- composer -------------------------------------------------------------------
  // The textarea is focused on keyup, so that the key's character is not
  // typed into it.
  var focusBodyOnKeyUp = false;
  function setMode(mode) {
    var radio = document.querySelector('input[name="mode"][value="' + mode + '"]');
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    focusBodyOnKeyUp = true;
  }
  document.addEventListener("keyup", function () {
    if (!focusBodyOnKeyUp) return;
    focusBodyOnKeyUp = false;
    var body = document.getElementById("body");
    if (body) body.focus();
  });
  function syncMode() {
    var c = document.querySelector(".composer");
    var internal = document.querySelector('input[name="mode"][value="internal"]');
    if (c && internal) c.classList.toggle("internal", internal.checked);
  }

  // --- shortcuts help -------------------------------------------------------------
  function toggleHelp(show) {
    var h = document.getElementById("shortcuts");
    if (!h) return;
    h.hidden = show === undefined ? !h.hidden : !show;
    if (!h.hidden) { var b = document.getElementById("shortcuts-close"); if (b) b.focus(); }
  }

  var pendingG = false;
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && typing(e.target) && e.target.form) {
      e.preventDefault();
      if (e.target.form.requestSubmit) e.target.form.requestSubmit(); else e.target.form.submit();
      return;
    }
    if (e.key === "Escape") { toggleHelp(false); return; }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (pendingG) {
      pendingG = false;
      if (e.key === "t") { window.location.href = "/agent/tickets"; }
      return;
    }
    switch (e.key) {
      case "?": toggleHelp(); e.preventDefault(); break;
      case "j": select(selected + 1); e.preventDefault(); break;
      case "k": select(selected - 1); e.preventDefault(); break;
      case "o":
      case "Enter":
        var rs = rows();
        if (selected >= 0 && rs[selected]) { window.location.href = rs[selected].getAttribute("data-href"); e.preventDefault(); }
        break;
      case "r": if (document.getElementById("body")) { setMode("public"); e.preventDefault(); } break;
      case "i": if (document.querySelector('input[name="mode"]')) { setMode("internal"); e.preventDefault(); } break;
      case "g": pendingG = true; break;
      case "/":
        var q = document.getElementById("search-q");
        if (q) { q.focus(); e.preventDefault(); }
        break;
    }
  });

  // --- live updates -------------------------------------------------------------------
  function live() {
    var box = document.getElementById("live");
    if (!box || !window.EventSource) return;
    var changed = document.getElementById("live-changed");
    var replying = document.getElementById("live-replying");
    var es = new EventSource(box.getAttribute("data-live-url"));
    es.addEventListener("changed", function () {
      if (changed) changed.hidden = false;
      document.body.classList.add("stale");
    });
    es.addEventListener("replying", function (ev) {
      var names = [];
      try { names = JSON.parse(ev.data).names || []; } catch (err) { names = []; }
      if (!replying) return;
      if (names.length) {
        replying.textContent = names.join(", ") + (names.length > 1 ? " are" : " is") + " also replying to this ticket.";
        replying.hidden = false;
      } else {
        replying.hidden = true;
        replying.textContent = "";
      }
    });
    window.addEventListener("pagehide", function () { es.close(); });

    // Tell others while this agent has a reply in progress.
    var body = document.getElementById("body");
    var url = box.getAttribute("data-replying-url");
    if (!body || !url) return;
    var active = false, last = 0;
    function report(on) {
      var now = Date.now();
      if (on === active && (!on || now - last < 5000)) return;
      active = on; last = now;
      var data = new URLSearchParams();
      data.set("active", on ? "1" : "0");
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": csrf() } }).catch(function () {});
    }
    body.addEventListener("input", function () { report(body.value.trim() !== ""); });
    setInterval(function () { if (active) { last = 0; report(body.value.trim() !== ""); } }, 5000);
    window.addEventListener("pagehide", function () { if (active) report(false); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    rows().forEach(function (r, i) {
      r.addEventListener("click", function (e) {
        if (e.target.closest("a, input, label, button, select")) return;
        window.location.href = r.getAttribute("data-href");
      });
      r.addEventListener("focusin", function () { selected = i; });
    });
    document.querySelectorAll('input[name="mode"]').forEach(function (el) { el.addEventListener("change", syncMode); });
    syncMode();
    var close = document.getElementById("shortcuts-close");
    if (close) close.addEventListener("click", function () { toggleHelp(false); });
    live();
    // Narrow screens: the header's links fold behind a menu button.
    var menu = document.getElementById("menu-toggle");
    if (menu) menu.addEventListener("click", function () {
      var open = document.querySelector("header.top").classList.toggle("open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
    // Rule builders: each field offers only its operators and suggests its values.
    var builder = document.getElementById("builder-form");
    if (builder) {
      var choices = JSON.parse(builder.getAttribute("data-choices") || "{}");
      var users = document.getElementById("b-users"), groups = document.getElementById("b-groups"), hooks = document.getElementById("b-webhooks");
      var sync = function (row) {
        var f = row.querySelector(".b-field"), op = row.querySelector(".b-op"), list = row.querySelector("datalist");
        var c = choices[f.getAttribute("data-kind") + ":" + f.value];
        if (op) Array.prototype.forEach.call(op.options, function (o) {
          o.hidden = !!(o.value && c && c.operators && c.operators.indexOf(o.value) < 0);
          if (o.hidden && o.selected) op.value = "";
        });
        var msg = row.querySelector(".b-message");
        if (msg) {
          msg.hidden = !(c && c.message);
          msg.querySelector(".b-subject").hidden = !(c && c.message === "subject");
        }
        if (!list) return;
        list.innerHTML = "";
        ((c && c.values) || []).forEach(function (v) { var o = document.createElement("option"); o.value = v; list.appendChild(o); });
        var src = c && c.ids === "user" ? users : c && c.ids === "group" ? groups : c && c.ids === "webhook" ? hooks : null;
        if (src) list.insertAdjacentHTML("beforeend", src.innerHTML);
      };
      builder.querySelectorAll(".builder-row").forEach(function (row) {
        row.querySelector(".b-field").addEventListener("change", function () { sync(row); });
        sync(row);
      });
    }
    // Business rules: drag a row to reorder (the up and down buttons do it
    // without a mouse or script); the new order is saved at once.
    var ruleTable = document.getElementById("rules");
    if (ruleTable && ruleTable.getAttribute("data-order-url")) {
      var dragged = null, tbody = ruleTable.querySelector("tbody");
      var csrf = document.querySelector("input[name=csrf_token]");
      tbody.querySelectorAll("tr[data-id]").forEach(function (tr) {
        tr.draggable = true;
        tr.addEventListener("dragstart", function (e) { dragged = tr; tr.classList.add("dragging"); e.dataTransfer.effectAllowed = "move"; });
        tr.addEventListener("dragend", function () { tr.classList.remove("dragging"); });
        tr.addEventListener("dragover", function (e) {
          if (!dragged || dragged === tr) return;
          e.preventDefault();
          var box = tr.getBoundingClientRect();
          tbody.insertBefore(dragged, e.clientY < box.top + box.height / 2 ? tr : tr.nextSibling);
        });
        tr.addEventListener("drop", function (e) { e.preventDefault(); });
      });
      tbody.addEventListener("drop", function () {
        if (!dragged) return;
        dragged = null;
        var rows = tbody.querySelectorAll("tr[data-id]"), ids = [];
        rows.forEach(function (tr, i) { ids.push(tr.getAttribute("data-id")); tr.querySelector(".drag-handle").textContent = String(i + 1); });
        var body = new URLSearchParams();
        body.set("ids", ids.join(","));
        if (csrf) body.set("csrf_token", csrf.value);
        fetch(ruleTable.getAttribute("data-order-url"), {method: "POST", body: body, credentials: "same-origin",
          headers: {"Accept": "application/json"}}).then(function (r) {
          if (!r.ok) { alert("The new order was not saved (" + r.status + "); the page reloads."); location.reload(); }
        });
      });
    }
    // Knowledge base: "Insert link" puts a Markdown link to the article into the reply.
    document.addEventListener("click", function (e) {
      var b = e.target.closest("[data-insert-link]");
      var body = document.getElementById("body");
      if (!b || !body) return;
      var link = "[" + b.getAttribute("data-title") + "](" + b.getAttribute("data-insert-link") + ")";
      body.value = body.value + (body.value && !/\s$/.test(body.value) ? "\n" : "") + link;
      body.focus();
    });
  });
})();
