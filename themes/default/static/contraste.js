// « Contraste élevé » without reloading the page: the footer's form is posted as it would be
// without JavaScript, asking for JSON; <html> then gets or loses the class contraste-eleve and
// the button says whether it is pressed. If anything fails, the form is sent the ordinary way.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("contraste")) return;
    var button = form.querySelector("button[name=contraste]");
    if (!button || !window.fetch) return;
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    data.set("contraste", button.value);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (answer) {
      var eleve = answer.contraste === "eleve";
      document.documentElement.classList.toggle("contraste-eleve", eleve);
      document.querySelectorAll("form.contraste button[name=contraste]").forEach(function (b) {
        b.setAttribute("aria-pressed", eleve ? "true" : "false");
        b.value = eleve ? "normal" : "eleve";
      });
    }).catch(function () {
      var choice = document.createElement("input");  // what the button would have sent
      choice.type = "hidden";
      choice.name = "contraste";
      choice.value = button.value;
      form.appendChild(choice);
      form.submit();
    });
  });
})();
