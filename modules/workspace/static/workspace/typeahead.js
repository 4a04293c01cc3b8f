// The sidebar search box's type-ahead: as you type, records of every entity type you may see,
// grouped by type, from the search page's JSON (/search/?format=json&q=). Arrow keys move,
// Enter opens, Escape closes;
// Enter with nothing chosen submits the box to the search page as before.
(function () {
    "use strict";
    var config = JSON.parse(document.getElementById("tessera-typeahead-config").textContent);
    var DELAY = 200;

    function attach(input) {
        if (input.dataset.typeahead) return;
        input.dataset.typeahead = "on";
        var box = document.createElement("ul");
        box.id = "tessera-typeahead";
        box.className = "tessera-typeahead";
        box.setAttribute("role", "listbox");
        box.setAttribute("aria-label", config.label);
        box.hidden = true;
        document.body.appendChild(box);
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-controls", box.id);
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("autocomplete", "off");
        var timer = null;
        var asked = 0;
        var active = -1;

        function options() {
            return Array.prototype.slice.call(box.querySelectorAll("[role=option]"));
        }
        function close() {
            box.hidden = true;
            active = -1;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
        }
        function place() {
            var rect = input.getBoundingClientRect();
            box.style.top = rect.bottom + 4 + "px";
            box.style.left = Math.max(8, Math.min(rect.left, window.innerWidth - box.offsetWidth - 8)) + "px";
        }
        function select(index) {
            var all = options();
            all.forEach(function (option, i) {
                option.setAttribute("aria-selected", i === index ? "true" : "false");
            });
            active = index;
            if (index >= 0 && all[index]) {
                input.setAttribute("aria-activedescendant", all[index].id);
                all[index].scrollIntoView({ block: "nearest" });
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }
        function item(className, text) {
            var li = document.createElement("li");
            li.className = className;
            li.textContent = text;
            return li;
        }
        function option(id, text, url) {
            var li = document.createElement("li");
            li.className = "tessera-typeahead__option";
            li.id = id;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            var link = document.createElement("a");
            link.href = url;
            link.tabIndex = -1;
            link.textContent = text;
            li.appendChild(link);
            return li;
        }
        function show(query, body) {
            box.textContent = "";
            var n = 0;
            body.groups.forEach(function (group) {
                var heading = item("tessera-typeahead__group", group.label);
                heading.setAttribute("role", "presentation");
                box.appendChild(heading);
                group.hits.forEach(function (hit) {
                    box.appendChild(option("tessera-typeahead-" + n++, hit.title, hit.url));
                });
                if (group.more) {
                    box.appendChild(option("tessera-typeahead-" + n++,
                        config.more.replace("%s", group.label), group.list_url));
                }
            });
            if (!body.groups.length) {
                box.appendChild(item("tessera-typeahead__empty", config.empty));
            }
            box.appendChild(option("tessera-typeahead-" + n++, config.all.replace("%s", query),
                config.search + "?q=" + encodeURIComponent(query)));
            box.hidden = false;
            input.setAttribute("aria-expanded", "true");
            place();
            select(-1);
        }
        function ask() {
            var query = input.value.trim();
            if (query.length < 2) {
                close();
                return;
            }
            var mine = ++asked;
            fetch(config.search + "?format=json&q=" + encodeURIComponent(query), {
                credentials: "same-origin",
                headers: { Accept: "application/json" },
            })
                .then(function (response) { return response.ok ? response.json() : null; })
                .then(function (body) {
                    if (body && mine === asked && input.value.trim() === query) show(query, body);
                })
                .catch(function () { close(); });
        }
        input.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(ask, DELAY);
        });
        input.addEventListener("keydown", function (event) {
            var all = options();
            if (box.hidden || !all.length) return;
            if (event.key === "ArrowDown") {
                event.preventDefault();
                select((active + 1) % all.length);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                select(active <= 0 ? all.length - 1 : active - 1);
            } else if (event.key === "Enter" && active >= 0) {
                event.preventDefault();
                window.location.href = all[active].querySelector("a").href;
            } else if (event.key === "Escape") {
                close();
            }
        });
        input.addEventListener("blur", function () { setTimeout(close, 150); });
        window.addEventListener("resize", function () { if (!box.hidden) place(); });
    }

    function find() {
        var input = document.querySelector("#wagtail-sidebar input[name=q]");
        if (input) attach(input);
    }
    new MutationObserver(find).observe(document.body, { childList: true, subtree: true });
    find();
})();
