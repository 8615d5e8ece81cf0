// The inbox works without this file; it adds the inline editor, the check as the creator
// types, and the "select all" of bulk approval.
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";

  document.querySelectorAll("[data-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.toggle);
      if (!target) return;
      var opening = target.hidden;
      target.hidden = !opening;
      button.setAttribute("aria-expanded", opening ? "true" : "false");
      if (opening) {
        var area = target.querySelector("textarea");
        if (area) area.focus();
      }
    });
  });

  function renderFindings(box, answer) {
    box.textContent = "";
    var p = document.createElement("p");
    if (answer.passed) {
      p.className = "ok";
      p.textContent = "No problems found.";
      box.appendChild(p);
      return;
    }
    p.className = "flag";
    p.textContent = "The check found problems in your edit:";
    box.appendChild(p);
    var list = document.createElement("ul");
    list.className = "findings";
    (answer.problems || []).forEach(function (f) {
      var item = document.createElement("li");
      var rule = document.createElement("strong");
      rule.textContent = f.rule;
      item.appendChild(rule);
      item.appendChild(document.createTextNode((f.text ? " “" + f.text + "”" : "") + ": " + f.detail));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  document.querySelectorAll("textarea[data-check-url]").forEach(function (area) {
    var form = area.form;
    var box = document.getElementById(area.getAttribute("aria-describedby"));
    var subject = form.querySelector("[data-check-subject]");
    var timer = null;
    var sent = 0;
    function check() {
      var mine = ++sent;
      var body = { channel: area.dataset.channel, body: area.value };
      if (subject) body.subject = subject.value;
      fetch(area.dataset.checkUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (answer && mine === sent && box) renderFindings(box, answer);
        })
        .catch(function () { /* the check on saving still runs */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, 350);
    }
    area.addEventListener("input", later);
    if (subject) subject.addEventListener("input", later);
  });

  var all = document.querySelector("[data-select-all]");
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input.select[form="bulk"]'));
  var count = document.querySelector("[data-selected-count]");
  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (count) count.textContent = n ? n + " selected" : "";
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
})();
