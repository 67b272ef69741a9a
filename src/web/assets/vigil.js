// Optional enhancement: every page works without this file (Tor Browser "Safest" never runs it).
(function () {
  'use strict';

  // "More name rows" posts the form without script; with script, add one empty row in place.
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-add-name-row]') : null;
    if (!button) return;
    var container = document.querySelector('[data-name-rows]');
    var rows = container ? container.querySelectorAll('[data-name-row]') : [];
    if (!container || rows.length === 0 || rows.length >= 40) return;
    event.preventDefault();
    var last = rows[rows.length - 1];
    var index = rows.length;
    var row = last.cloneNode(true);
    row.querySelectorAll('[name], [id], [for], [aria-describedby]').forEach(function (el) {
      ['name', 'id', 'for', 'aria-describedby'].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/names([.-])\d+([.-])/g, 'names$1' + index + '$2'));
      });
    });
    row.querySelectorAll('.field-error').forEach(function (el) { el.remove(); });
    row.querySelectorAll('.has-error').forEach(function (el) { el.classList.remove('has-error'); });
    row.querySelectorAll('input').forEach(function (el) { el.value = ''; el.removeAttribute('aria-invalid'); });
    row.querySelectorAll('select').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    var legend = row.querySelector('legend');
    if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
    container.appendChild(row);
    var first = row.querySelector('input');
    if (first) first.focus();
  });

  // After a failed save, bring the list of problems into view for keyboard and screen-reader users.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
})();
