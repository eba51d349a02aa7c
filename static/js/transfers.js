// New transaction form (templates/transfers/new.html): show only the object fields of the chosen type.
// Without JavaScript every fieldset stays visible and the server checks the fields of the type.
(function () {
  "use strict";
  function kindOf(type) {
    var kinds = ["share", "homestead", "land"];
    for (var i = 0; i < kinds.length; i++) {
      if (type.indexOf(kinds[i]) === 0) { return kinds[i]; }
    }
    return "membership";
  }
  function update(select) {
    var kind = kindOf(select.value);
    var sets = document.querySelectorAll("fieldset[data-kind]");
    for (var i = 0; i < sets.length; i++) {
      sets[i].hidden = sets[i].getAttribute("data-kind") !== kind;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector(".transfer-form select[name=type]");
    if (!select) { return; }
    select.addEventListener("change", function () { update(select); });
    update(select);
  });
})();
