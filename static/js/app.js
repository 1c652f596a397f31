// SIPM UI behaviour: table rows in forms, confirmations. No inline scripts (CSP: script-src 'self').
(function () {
  "use strict";

  function addRow(button) {
    var wrap = button.closest(".table-responsive");
    var table = wrap.querySelector("table.rows-table");
    var tpl = wrap.querySelector("template");
    var next = parseInt(table.dataset.next || "0", 10);
    var html = tpl.innerHTML.replace(/__prefix__/g, String(next));
    table.dataset.next = String(next + 1);
    var body = table.querySelector("tbody");
    body.insertAdjacentHTML("beforeend", html);
    var first = body.lastElementChild.querySelector("input, select");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      event.preventDefault();
      addRow(add);
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      remove.closest("tr").remove();
      return;
    }
    var confirmable = event.target.closest("[data-confirm]");
    if (confirmable && !window.confirm(confirmable.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The queue's batch bar: how many cards are picked, pick all, opinions a step requires.
  function updatePicked(form) {
    var picks = form.querySelectorAll("input[name=pick]");
    var n = form.querySelectorAll("input[name=pick]:checked").length;
    var out = form.querySelector("[data-picked]");
    if (out) out.textContent = String(n);
    var all = form.querySelector("[data-pick-all]");
    if (all) all.checked = picks.length > 0 && n === picks.length;
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest(".queue-form");
    if (!form) return;
    if (event.target.matches("[data-pick-all]")) {
      form.querySelectorAll("input[name=pick]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    updatePicked(form);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest(".queue-form");
    if (!form) return;
    var submitter = event.submitter;
    var shared = form.querySelector("#batch-comment");
    var boxes = [];
    if (submitter && submitter.name === "one") {
      boxes = [form.querySelector("#pick-" + submitter.value)].filter(Boolean);
    } else {
      boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=pick]:checked"));
    }
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].hasAttribute("data-comment-required")) continue;
      var own = form.querySelector("#comment-" + boxes[i].value);
      if (!own.value.trim() && !(submitter && submitter.name === "batch" && shared.value.trim())) {
        event.preventDefault();
        own.classList.add("is-invalid");
        own.focus();
        return;
      }
    }
  });

  // Searchable people pickers (Tom Select) over the JSON endpoint in data-people-url.
  function peoplePickers(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-people-url]").forEach(function (select) {
      if (select.tomselect) return;
      var url = select.dataset.peopleUrl;
      // Once a person is picked, nothing but the person reopens the list: Tom Select opens
      // it on every search answer while the input has focus, so a late one (the focus
      // preload on a slow network) covered the form's buttons.
      var picked = false;
      var settings = {
        valueField: "id",
        labelField: "label",
        searchField: ["label"],
        maxOptions: 50,
        preload: "focus",
        plugins: select.multiple ? ["remove_button"] : [],
        onItemAdd: function () { picked = !select.multiple; },
        onItemRemove: function () { picked = false; },
        onBlur: function () { picked = false; },
        load: function (query, callback) {
          var sep = url.indexOf("?") >= 0 ? "&" : "?";
          fetch(url + sep + "q=" + encodeURIComponent(query), { credentials: "same-origin" })
            .then(function (r) { return r.json(); })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        },
        render: {
          no_results: function () { return '<div class="no-results">' + (select.dataset.emptyText || "—") + "</div>"; },
        },
      };
      var picker = new window.TomSelect(select, settings);
      if (select.multiple) return;
      var open = picker.open;
      picker.open = function () { if (!picked) open.call(picker); };
      // The person reopens the list on purpose: a click on the control, an arrow key or
      // typing (picking empties the text box, so only text counts). Capture on the wrapper
      // runs before Tom Select's own handlers.
      picker.wrapper.addEventListener("mousedown", function (event) {
        if (picker.control.contains(event.target)) picked = false;
      }, true);
      picker.wrapper.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") picked = false;
      }, true);
      picker.wrapper.addEventListener("input", function () {
        if (picker.control_input.value) picked = false;
      }, true);
    });
  }

  // Icons are decoration: keep screen readers from reading the glyphs.
  function hideIcons(root) {
    root.querySelectorAll("i.bi:not([aria-hidden])").forEach(function (icon) {
      icon.setAttribute("aria-hidden", "true");
    });
  }

  function enhance(root) {
    hideIcons(root);
    peoplePickers(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
