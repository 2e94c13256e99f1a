// Site-wide behaviour that pages ask for with data attributes. The Content-Security-Policy
// (settings.CONTENT_SECURITY_POLICY) runs scripts from our static files only, so no page may
// carry an inline <script> or an on…= event handler; they declare what they need here.

// <a href="#" data-zt-print>: print the page.
document.addEventListener("click", function (event) {
  var trigger = event.target.closest("[data-zt-print]");
  if (trigger) {
    event.preventDefault();
    window.print();
  }
});

// A changed form field announces itself to htmx by name: the form gets the event
// "zt-changed-<field name>", so a fragment can reload when one field changes with
// hx-trigger="zt-changed-category_id from:#intake-form". htmx's own event filters
// (change[target.name=='…']) are code that htmx evaluates, which the policy forbids.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.name && field.form) {
    field.form.dispatchEvent(new CustomEvent("zt-changed-" + field.name, { bubbles: false }));
  }
});

// <input type="file" data-zt-file-names="未选择文件">: show the chosen files' names in the
// .zt-file-names element beside it (the browser's own text follows its language).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-zt-file-names]")) return;
  var out = input.parentElement.querySelector(".zt-file-names");
  if (!out) return;
  var names = Array.from(input.files).map(function (f) { return f.name; });
  out.textContent = names.join("、") || input.getAttribute("data-zt-file-names");
});

// What the server tells this script (base.html renders it as a JSON block,
// portal/context_processors.py page_script): its texts, and for a signed-in user the idle rule.
var ZT = (function () {
  var block = document.getElementById("zt-script");
  try {
    var data = block ? JSON.parse(block.textContent) : null;
    return data && typeof data === "object" ? data : {};
  } catch (e) {
    return {};
  }
})();

function ztSay(key, values) {
  var text = (ZT.text || {})[key] || "";
  Object.keys(values || {}).forEach(function (name) {
    text = text.split("{" + name + "}").join(String(values[name]));
  });
  return text;
}

function ztStorage(kind) {
  try {
    return window[kind] || null; // access itself throws where storage is switched off
  } catch (e) {
    return null;
  }
}

// ---- Text limits: a live counter next to every bounded text field (issue 9) ------------
// The page forms render their limit as data-maxlength (common/forms.py harden), not as
// maxlength: the browser cuts typed and pasted text at maxlength without a word, so a long
// paste lost its end unseen. Here the user sees "123/5000", a warning from 90%, and over the
// limit the same message the server gives; nothing is cut, and the server refuses what is
// still too long. A maxlength that some template still renders is turned into data-maxlength.
var ZT_TEXT_TYPES = ["text", "search", "email", "url", "tel"];
var ztCounterSeq = 0;

function ztIsTextField(el) {
  return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && ZT_TEXT_TYPES.indexOf(el.type) >= 0);
}

// Characters as the server counts them: Python's len (code points, so an emoji is one, not
// JavaScript's two), a line break once (common/forms.py unix_line_breaks).
function ztTextLength(value) {
  return Array.from(value.replace(/\r\n/g, "\n")).length;
}

function ztSetUpCounters(root) {
  var fields = root.querySelectorAll(
    "input[maxlength], textarea[maxlength], input[data-maxlength], textarea[data-maxlength]"
  );
  fields.forEach(function (field) {
    if (!ztIsTextField(field) || field.ztCounter) return;
    if (field.hasAttribute("maxlength")) {
      if (!field.hasAttribute("data-maxlength")) {
        field.setAttribute("data-maxlength", field.getAttribute("maxlength"));
      }
      field.removeAttribute("maxlength");
    }
    if (!(parseInt(field.getAttribute("data-maxlength"), 10) > 0)) return;
    var counter = document.createElement("div");
    counter.className = "zt-counter";
    // A search or filter box (a GET form) shows its counter only near the limit.
    var form = field.form;
    if (form && (form.getAttribute("method") || "get").toLowerCase() === "get") counter.classList.add("zt-counter-quiet");
    counter.id = (field.id || "zt-field-" + ++ztCounterSeq) + "-counter";
    var message = document.createElement("span");
    message.className = "zt-counter-msg";
    message.setAttribute("aria-live", "polite");
    var number = document.createElement("span");
    number.className = "zt-counter-num";
    number.setAttribute("data-testid", "counter");
    counter.append(message, number);
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    field.ztCounter = counter;
    ztUpdateCounter(field);
  });
}

function ztUpdateCounter(field) {
  var counter = field.ztCounter;
  if (!counter) return;
  var limit = parseInt(field.getAttribute("data-maxlength"), 10);
  var count = ztTextLength(field.value);
  var over = count > limit;
  counter.classList.toggle("zt-counter-near", !over && count >= Math.floor(limit * 0.9));
  counter.classList.toggle("zt-counter-over", over);
  field.classList.toggle("zt-over", over);
  counter.querySelector(".zt-counter-num").textContent = count + "/" + limit;
  var message = over ? ztSay("too_long", { limit: limit, count: count }) : "";
  var out = counter.querySelector(".zt-counter-msg");
  if (out.textContent !== message) out.textContent = message;
  // aria-invalid: set while over the limit, and cleared only if this set it (the server
  // marks a field it refused the same way).
  if (over && field.getAttribute("aria-invalid") !== "true") {
    field.setAttribute("aria-invalid", "true");
    field.ztMarkedInvalid = true;
  } else if (!over && field.ztMarkedInvalid) {
    field.removeAttribute("aria-invalid");
    field.ztMarkedInvalid = false;
  }
}

ztSetUpCounters(document);
document.addEventListener("htmx:load", function (event) {
  ztSetUpCounters(event.target);
});
document.addEventListener("input", function (event) {
  if (event.target.ztCounter) ztUpdateCounter(event.target);
});

// ---- Drafts: what was typed survives a sign-out and a sign-in (issue 9) -------------------
// Every post form of a signed-in page (but those marked data-zt-no-draft: sign-out, language,
// keep-alive) is saved in this browser as it is typed in, under the user, the address the
// form posts to and the form's id. Never saved: passwords, files, the CSRF token, hidden
// fields (the page's own; a version that differs from the draft's is pointed out instead).
// Coming back to the form (after signing in again, or from another page) puts the draft back
// with a notice and a button to discard it. A post answered with a redirect and no error
// (the pattern of every successful form here) clears it; signing out clears them all.
(function drafts() {
  var SENT = "zt-draft-sent";
  var session = ZT.session;
  var local = ztStorage("localStorage");
  var perTab = ztStorage("sessionStorage");
  var sent = null;
  try {
    sent = perTab && perTab.getItem(SENT);
    if (perTab) perTab.removeItem(SENT);
  } catch (e) {
    sent = null;
  }
  // A page without a user (the sign-in page a timed-out post was sent to) keeps the drafts.
  if (!session || !local) return;
  var PREFIX = "zt-draft:" + session.user + ":";
  var KEEP_MS = 7 * 24 * 3600 * 1000;
  var SKIP = ["password", "hidden", "file", "submit", "button", "reset", "image"];

  function eligible(form) {
    return (
      !!form &&
      (form.getAttribute("method") || "get").toLowerCase() === "post" &&
      !form.hasAttribute("data-zt-no-draft")
    );
  }

  // Attributes, not form.action / form.id: a field named "action" or "id" would stand in for them.
  function target(form) {
    var url = new URL(form.getAttribute("action") || location.href, location.href);
    return url.pathname + url.search;
  }

  function keyOf(form) {
    var base = target(form) + "|" + (form.getAttribute("id") || "");
    var same = Array.from(document.forms).filter(function (f) {
      return eligible(f) && target(f) + "|" + (f.getAttribute("id") || "") === base;
    });
    return PREFIX + base + (same.length > 1 ? "|" + same.indexOf(form) : "");
  }

  function fields(form) {
    return Array.from(form.elements).filter(function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && SKIP.indexOf(el.type) < 0 && !el.disabled;
    });
  }

  function read(form) {
    var out = {};
    fields(form).forEach(function (el) {
      var list = out[el.name] || (out[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        list.push({ v: el.value, c: el.checked });
      } else if (el.tagName === "SELECT") {
        list.push({
          s: Array.from(el.options)
            .filter(function (o) { return o.selected; })
            .map(function (o) { return o.value; }),
        });
      } else {
        list.push({ v: el.value });
      }
    });
    return out;
  }

  function hidden(form) {
    var out = {};
    Array.from(form.elements).forEach(function (el) {
      if (el.type === "hidden" && el.name && el.name !== "csrfmiddlewaretoken") out[el.name] = el.value;
    });
    return out;
  }

  function write(form, values) {
    var seen = {};
    fields(form).forEach(function (el) {
      var list = values[el.name];
      if (!Array.isArray(list)) return;
      var entry = list[(seen[el.name] = (seen[el.name] || 0) + 1) - 1];
      if (el.type === "checkbox" || el.type === "radio") {
        var match = list.filter(function (e) { return e && "c" in e && e.v === el.value; })[0];
        if (match) el.checked = !!match.c;
      } else if (el.tagName === "SELECT") {
        if (entry && Array.isArray(entry.s)) {
          Array.from(el.options).forEach(function (o) { o.selected = entry.s.indexOf(o.value) >= 0; });
        }
      } else if (entry && typeof entry.v === "string") {
        el.value = entry.v;
        ztUpdateCounter(el);
      }
    });
  }

  function save(form) {
    try {
      local.setItem(keyOf(form), JSON.stringify({ saved: Date.now(), fields: read(form), hidden: hidden(form) }));
    } catch (e) {
      // Storage full or refused: the form still works, only without a draft.
    }
  }

  function forget(prefix, olderThan) {
    for (var i = local.length - 1; i >= 0; i--) {
      var key = local.key(i);
      if (!key || key.indexOf(prefix) !== 0) continue;
      if (olderThan) {
        var saved = 0;
        try { saved = JSON.parse(local.getItem(key)).saved || 0; } catch (e) { saved = 0; }
        if (saved >= olderThan) continue;
      }
      local.removeItem(key);
    }
  }

  function when(ms) {
    return new Date(ms).toLocaleString(document.documentElement.lang || undefined, {
      month: "long", day: "numeric", hour: "2-digit", minute: "2-digit",
    });
  }

  function notice(form, key, original, draft) {
    var box = document.createElement("div");
    box.className = "zt-draft-notice";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "draft-notice");
    var text = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = ztSay("draft_restored");
    text.append(strong);
    if (draft.saved) {
      var at = document.createElement("span");
      at.className = "zt-muted";
      at.textContent = " " + ztSay("draft_saved_at", { time: when(draft.saved) });
      text.append(at);
    }
    box.append(text);
    var now = hidden(form);
    var changed = Object.keys(draft.hidden || {}).some(function (name) {
      return name in now && now[name] !== draft.hidden[name];
    });
    if (changed) {
      var warning = document.createElement("p");
      warning.className = "zt-draft-changed";
      warning.textContent = ztSay("draft_changed");
      box.append(warning);
    }
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary zt-small";
    discard.textContent = ztSay("draft_discard");
    discard.addEventListener("click", function () {
      write(form, original);
      local.removeItem(key);
      box.remove();
    });
    box.append(discard);
    form.insertBefore(box, form.firstChild);
    var details = form.closest("details");
    if (details) details.open = true;
  }

  // The post that led here: a redirect without an error message is a form that went through.
  if (sent && sent.indexOf(PREFIX) === 0) {
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var refused = document.querySelector(".errorlist, .zt-msg-error, .zt-form-error");
    if (nav && nav.redirectCount > 0 && !refused) local.removeItem(sent);
  }
  forget("zt-draft:", Date.now() - KEEP_MS);

  Array.from(document.forms).forEach(function (form) {
    if (!eligible(form)) return;
    var key = keyOf(form);
    var draft = null;
    try { draft = JSON.parse(local.getItem(key)); } catch (e) { draft = null; }
    if (!draft || typeof draft.fields !== "object" || draft.fields === null) return;
    var original = read(form);
    // The page already shows it (a form shown again with its errors): nothing to say.
    if (JSON.stringify(original) === JSON.stringify(draft.fields)) return;
    write(form, draft.fields);
    notice(form, key, original, draft);
  });

  function typed(event) {
    var form = event.target.form;
    if (event.target.name && eligible(form)) save(form);
  }
  document.addEventListener("input", typed);
  document.addEventListener("change", typed);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-zt-logout")) {
      forget(PREFIX); // signing out on purpose: leave nothing of this user's typing behind
      return;
    }
    if (!eligible(form)) return;
    save(form);
    try {
      if (perTab) perTab.setItem(SENT, keyOf(form));
    } catch (e) {
      // without the marker the draft stays until it is discarded or expires
    }
  });
})();

// ---- The idle warning (issue 9) ---------------------------------------------------------
// The server signs a user out after ZHITONG_IDLE_TIMEOUT_MINUTES without a request
// (common/middleware.py). Shortly before, this asks the session probe how long is really
// left (another tab may have been busy; asking does not count as activity) and, with the
// warning's time to go, opens the dialog with a countdown. "继续工作" (or Esc) posts to the
// keep-alive; at zero the page goes to the sign-in page, which returns here afterwards, and
// the drafts above bring back what was typed.
(function idleWarning() {
  var session = ZT.session;
  var dialog = document.getElementById("zt-idle");
  if (!session || !dialog || typeof dialog.showModal !== "function") return;
  var ACTIVE = "zt-session-active";
  var local = ztStorage("localStorage");
  var limit = session.idle * 1000;
  var warn = Math.min(session.warn * 1000, limit);
  // The server notes the time of a request at most once a minute (RESOLUTION_SECONDS), so it
  // may count from up to a minute before this page loaded: ask that much earlier.
  var slack = Math.min(60 * 1000, limit - warn);
  var nextProbe = 0;
  var deadline = null; // while the dialog is open: when the server signs out
  var probing = false;
  var countdown = dialog.querySelector(".zt-idle-countdown");
  var keepAlive = dialog.querySelector("form[data-zt-keep-alive]");

  function activity() {
    nextProbe = Math.max(nextProbe, Date.now() + limit - warn - slack);
  }

  function tellOtherTabs() {
    try {
      if (local) local.setItem(ACTIVE, String(Date.now()));
    } catch (e) {
      // other tabs then find out from the probe
    }
  }

  function render() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }

  function open(at) {
    deadline = at;
    render();
    if (!dialog.open) dialog.showModal();
  }

  function close() {
    deadline = null;
    if (dialog.open) dialog.close();
  }

  function signedOut() {
    deadline = null;
    var query = new URLSearchParams({ next: location.pathname + location.search, idle: "1" });
    location.assign(session.login + "?" + query.toString());
  }

  function retrySoon() {
    probing = false;
    nextProbe = Date.now() + 15 * 1000;
  }

  function probe() {
    if (probing) return;
    probing = true;
    fetch(session.status, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          probing = false;
          signedOut();
          return;
        }
        if (!response.ok) return retrySoon();
        return response.json().then(function (body) {
          probing = false;
          var remaining = Number(body.remaining) * 1000;
          if (!(remaining >= 0)) return retrySoon();
          if (remaining > warn + 2000) {
            close(); // someone was active (another tab): ask again when the warning is due
            nextProbe = Date.now() + remaining - warn;
          } else {
            // One second more: the server signs out only once the limit has passed.
            open(Date.now() + remaining + 1000);
          }
        });
      })
      .catch(retrySoon);
  }

  function csrfToken() {
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) return decodeURIComponent(cookie[1]); // a sign-in in another tab renews it
    var field = keepAlive.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function stay() {
    fetch(keepAlive.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        if (response.status === 401) return signedOut();
        if (!response.ok) return; // the countdown goes on; the probe at zero decides
        close();
        activity();
        tellOtherTabs();
      })
      .catch(function () {});
  }

  function tick() {
    if (deadline !== null) {
      render();
      if (Date.now() >= deadline) probe();
    } else if (Date.now() >= nextProbe) {
      probe();
    }
  }

  keepAlive.addEventListener("submit", function (event) {
    event.preventDefault();
    stay();
  });
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault(); // Esc: someone is there
    stay();
  });
  // This page's own requests count (the page load, htmx fragments) ...
  activity();
  tellOtherTabs();
  document.addEventListener("htmx:afterRequest", function () {
    activity();
    tellOtherTabs();
  });
  // ... and so do other tabs' (a storage event reaches the other tabs only).
  window.addEventListener("storage", function (event) {
    if (event.key !== ACTIVE) return;
    activity();
    if (deadline !== null) probe();
  });
  // Timers stand still while a laptop sleeps: look again as soon as the page is seen.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") tick();
  });
  setInterval(tick, 1000);
})();
