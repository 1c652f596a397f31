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
})();
