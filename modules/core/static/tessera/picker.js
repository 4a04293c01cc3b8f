/* Type-ahead pickers (modules/core/widgets.py PickerWidget).
 *
 * Typing asks the widget's lookup URL (`?q=...`, JSON `[{id, title}]`) for suggestions;
 * arrows move through them, Enter picks, Escape closes. A single picker keeps the chosen
 * id in one hidden input; a multiple one keeps a chip with a hidden input per id.
 * The ARIA 1.2 combobox pattern: the text input owns a listbox, the active option is
 * named by aria-activedescendant, and a live region tells what happened.
 */
(function () {
  "use strict";

  var DELAY_MS = 200;

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function Picker(root) {
    this.root = root;
    this.url = root.dataset.url;
    this.name = root.dataset.name;
    this.multiple = root.dataset.multiple === "true";
    this.input = root.querySelector("[role=combobox]");
    this.popup = root.querySelector(".tessera-picker__popup");
    this.listbox = root.querySelector("[role=listbox]");
    this.message = root.querySelector("[data-picker-message]");
    this.status = root.querySelector("[data-picker-status]");
    this.chips = root.querySelector(".tessera-picker__chips");
    this.hidden = root.querySelector("[data-picker-value]");
    this.clearButton = root.querySelector("[data-picker-clear]");
    this.title = this.multiple ? "" : this.input.value;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.asked = null;
    this.bind();
  }

  Picker.prototype.text = function (key, values) {
    return format(this.root.dataset["text" + key], values || {});
  };

  Picker.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      if (!self.multiple && self.input.value.trim() === "" && self.hidden.value) {
        self.setValue("", "");
      }
      // Enter must not pick a suggestion for text that is no longer there.
      self.unmark();
      self.schedule();
    });
    this.input.addEventListener("keydown", function (event) {
      self.onKey(event);
    });
    this.input.addEventListener("blur", function () {
      self.close(true);
    });
    // Keep the focus in the input while an option is clicked.
    this.popup.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) self.choose(Number(option.dataset.index));
    });
    if (this.chips) {
      this.chips.addEventListener("click", function (event) {
        var button = event.target.closest("[data-picker-remove]");
        if (button) self.remove(button.closest(".tessera-picker__chip"));
      });
    }
    if (this.clearButton) {
      this.clearButton.addEventListener("click", function () {
        self.setValue("", "");
        self.input.value = "";
        self.input.focus();
      });
    }
  };

  Picker.prototype.isOpen = function () {
    return !this.popup.hidden;
  };

  Picker.prototype.onKey = function (event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (this.isOpen() && this.items.length) this.move(1);
        else this.search(true);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (this.isOpen() && this.items.length) this.move(-1);
        break;
      case "Enter":
        // Never submit the form from an open list.
        if (this.isOpen()) {
          event.preventDefault();
          if (this.active >= 0) this.choose(this.active);
          else if (this.items.length === 1) this.choose(0);
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          event.stopPropagation();
          this.close(true);
        } else if (this.input.value !== this.title) {
          // A second Escape gives up the typed text.
          event.preventDefault();
          this.input.value = this.title;
        }
        break;
      case "Backspace":
        if (this.multiple && this.input.value === "" && this.chips) {
          var chips = this.chips.querySelectorAll(".tessera-picker__chip");
          if (chips.length) this.remove(chips[chips.length - 1]);
        }
        break;
      case "Tab":
        this.close(true);
        break;
      default:
        break;
    }
  };

  Picker.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.search(false);
    }, DELAY_MS);
  };

  Picker.prototype.search = function (always) {
    var self = this;
    var q = this.input.value.trim();
    if (!this.multiple && q === this.title && !always) return;
    if (q === "" && !always) {
      this.close(false);
      return;
    }
    if (!this.multiple && q === this.title) q = "";
    clearTimeout(this.timer);
    if (this.request) this.request.abort();
    var controller = new AbortController();
    this.request = controller;
    this.asked = q;
    this.showMessage(this.text("Searching"));
    var url = this.url + (this.url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (items) {
        if (self.request !== controller) return;
        self.request = null;
        self.show(items);
      })
      .catch(function (error) {
        if (error.name === "AbortError" || self.request !== controller) return;
        self.request = null;
        self.items = [];
        self.render();
        self.showMessage(self.text("Failed"));
      });
  };

  Picker.prototype.chosenIds = function () {
    if (!this.multiple) return this.hidden.value ? [this.hidden.value] : [];
    return Array.prototype.map.call(
      this.chips.querySelectorAll("input[type=hidden]"),
      function (input) {
        return input.value;
      },
    );
  };

  Picker.prototype.show = function (items) {
    var chosen = this.multiple ? this.chosenIds() : [];
    this.items = (Array.isArray(items) ? items : []).filter(function (item) {
      return chosen.indexOf(String(item.id)) < 0;
    });
    this.active = -1;
    this.render();
    if (this.items.length) {
      this.showMessage("");
      this.announce(this.text("Count", { count: this.items.length }));
    } else {
      this.showMessage(this.text("Empty"));
      this.announce(this.text("Empty"));
    }
  };

  Picker.prototype.render = function () {
    var self = this;
    this.listbox.textContent = "";
    this.items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-" + index;
      option.className = "tessera-picker__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      option.dataset.id = String(item.id);
      option.textContent = item.title;
      self.listbox.appendChild(option);
    });
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.showMessage = function (text) {
    this.message.textContent = text;
    this.message.hidden = !text;
    this.open();
  };

  Picker.prototype.open = function () {
    this.popup.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function (restore) {
    clearTimeout(this.timer);
    if (this.request) {
      this.request.abort();
      this.request = null;
    }
    this.popup.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.items = [];
    this.active = -1;
    this.listbox.textContent = "";
    if (restore && !this.multiple && this.input.value !== this.title) {
      this.input.value = this.title;
    }
  };

  Picker.prototype.unmark = function () {
    var options = this.listbox.querySelectorAll("[role=option]");
    var option = this.active >= 0 ? options[this.active] : null;
    if (option) {
      option.classList.remove("is-active");
      option.setAttribute("aria-selected", "false");
    }
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.move = function (step) {
    var count = this.items.length;
    var next = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
    this.unmark();
    this.active = next;
    var option = this.listbox.querySelectorAll("[role=option]")[next];
    option.classList.add("is-active");
    option.setAttribute("aria-selected", "true");
    option.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", option.id);
  };

  Picker.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    if (this.multiple) {
      this.addChip(String(item.id), item.title);
      this.input.value = "";
    } else {
      this.setValue(String(item.id), item.title);
      this.input.value = item.title;
    }
    this.close(false);
    this.announce(this.text("Added", { title: item.title }));
    this.input.focus();
  };

  Picker.prototype.setValue = function (id, title) {
    this.hidden.value = id;
    this.title = title;
    if (this.clearButton) this.clearButton.hidden = !id;
    this.changed(this.hidden);
  };

  Picker.prototype.addChip = function (id, title) {
    if (this.chosenIds().indexOf(id) >= 0) return;
    var chip = document.createElement("li");
    chip.className = "tessera-picker__chip";
    chip.dataset.id = id;
    var label = document.createElement("span");
    label.className = "tessera-picker__chip-title";
    label.textContent = title;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = this.name;
    hidden.value = id;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tessera-picker__remove";
    button.setAttribute("data-picker-remove", "");
    button.setAttribute("aria-label", this.text("Remove", { title: title }));
    button.innerHTML =
      '<svg class="icon icon-cross" aria-hidden="true"><use href="#icon-cross"></use></svg>';
    chip.append(label, hidden, button);
    this.chips.appendChild(chip);
    this.changed(hidden);
  };

  Picker.prototype.remove = function (chip) {
    if (!chip) return;
    var title = chip.querySelector(".tessera-picker__chip-title").textContent;
    chip.remove();
    this.changed(this.input);
    this.announce(this.text("Removed", { title: title }));
    this.input.focus();
  };

  Picker.prototype.changed = function (element) {
    // Let the admin's unsaved-changes check (and anything else listening) notice.
    element.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.announce = function (text) {
    this.status.textContent = text;
  };

  function init(scope) {
    (scope || document).querySelectorAll("[data-tessera-picker]").forEach(function (root) {
      if (root.tesseraPicker) return;
      root.tesseraPicker = new Picker(root);
    });
  }

  window.tesseraPickers = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init();
    });
  } else {
    init();
  }
})();
