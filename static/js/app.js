/* Small page behaviours, no library (offices run on closed networks; the CSP allows only 'self').
 *
 * - <form data-confirm="…">: asks before an act that ends something; Cancel sends nothing.
 * - <input data-id-number data-birth-target="birth_date" data-sex-target="sex">: a complete 18-character
 *   resident ID (GB 11643, check character verified) fills the birth date and sex fields when they are
 *   still empty. The server checks everything again; this only saves typing.
 * - Enter submits a form as browsers do by default: nothing here intercepts it.
 */
(function () {
  "use strict";

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function parseId(value) {
    var id = (value || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(id)) return null;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += parseInt(id.charAt(i), 10) * WEIGHTS[i];
    if (CHECK.charAt(sum % 11) !== id.charAt(17)) return null;
    var y = id.substr(6, 4), m = id.substr(10, 2), d = id.substr(12, 2);
    var date = new Date(Date.UTC(+y, +m - 1, +d));
    if (date.getUTCFullYear() !== +y || date.getUTCMonth() !== +m - 1 || date.getUTCDate() !== +d) return null;
    return { birth: y + "-" + m + "-" + d, sex: (parseInt(id.charAt(16), 10) % 2) ? "1" : "2" };
  }

  function fieldOf(form, name) {
    return name ? form.querySelector('[name="' + name + '"]') : null;
  }

  function fillFromId(input) {
    var parsed = parseId(input.value);
    if (!parsed || !input.form) return;
    var birth = fieldOf(input.form, input.getAttribute("data-birth-target"));
    var sex = fieldOf(input.form, input.getAttribute("data-sex-target"));
    if (birth && !birth.value) { birth.value = parsed.birth; birth.dispatchEvent(new Event("change")); }
    if (sex && !sex.value) { sex.value = parsed.sex; sex.dispatchEvent(new Event("change")); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-id-number")) fillFromId(event.target);
  });
})();
