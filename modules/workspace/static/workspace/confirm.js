// Forms marked data-tessera-confirm="<kind>" ask before they are sent: the question is the
// kind's text from the page's config, with data-confirm-name in place of %(name)s.
(function () {
    "use strict";
    var texts = JSON.parse(document.getElementById("tessera-confirm-texts").textContent);
    document.addEventListener("submit", function (event) {
        var form = event.target.closest("[data-tessera-confirm]");
        if (!form) return;
        var text = texts[form.dataset.tesseraConfirm];
        if (!text) return;
        if (!window.confirm(text.replace("%(name)s", form.dataset.confirmName || ""))) {
            event.preventDefault();
            event.stopImmediatePropagation();
        }
    }, true);
})();
