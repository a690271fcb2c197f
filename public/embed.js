// Krea Studio embed loader: turns each <krea-studio> into a frame of this studio's embed
// page, and offers KreaStudio.mount(element, options) to a page's own script. No wasm here:
// the studio loads inside the frame. The contract (events, commands, options) is in the
// README, "Embedding". Messages go to the studio's origin only, never "*", and are taken
// only from this instance's own frame.

const NS = "krea-studio";
const V = 1;
const STUDIO = new URL("./", import.meta.url);
// Options handed to the studio (the fragment of the frame's address, never sent to a server).
const PASSED = ["proxy", "models", "theme", "locale", "accent", "radius", "font"];
const COMMANDS = ["setTheme", "setLocale", "prefill", "reset"];
let made = 0;

function px(value) {
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

class Instance {
  constructor(host, options) {
    made += 1;
    this.host = host;
    this.options = options;
    // Stable across reloads of the same page: the first instance is always ks-1.
    this.id = options.id || `ks-${made}`;
    this.callbacks = new Map();
    this.queue = [];
    this.ready = false;
    this.frame = null;
    this.onMessage = (event) => this.receive(event);
    this.root = host.shadowRoot || host.attachShadow({ mode: "open" });
    const loading = options.loading || "eager";
    if (loading === "lazy" && "IntersectionObserver" in window) {
      // Something to scroll to: nothing is fetched until it comes near the screen.
      const spacer = document.createElement("div");
      spacer.style.minHeight = "120px";
      this.root.replaceChildren(spacer);
      this.observer = new IntersectionObserver((seen) => {
        if (seen.some((entry) => entry.isIntersecting)) this.load();
      }, { rootMargin: "200px" });
      this.observer.observe(host);
    } else if (loading === "click") {
      this.placeholder();
    } else {
      this.load();
    }
  }

  placeholder() {
    const button = document.createElement("button");
    button.type = "button";
    button.part = "placeholder";
    button.textContent = this.options.label || "Open Krea Studio";
    button.style.cssText =
      "display:block;width:100%;min-height:120px;border:1px dashed currentColor;" +
      "border-radius:12px;background:transparent;color:inherit;font:inherit;cursor:pointer";
    button.addEventListener("click", () => this.load(), { once: true });
    this.root.replaceChildren(button);
  }

  load() {
    if (this.frame || this.destroyed) return;
    this.observer?.disconnect();
    const params = new URLSearchParams({ id: this.id, parent: location.origin });
    for (const name of PASSED) {
      if (this.options[name] != null && this.options[name] !== "") params.set(name, this.options[name]);
    }
    const frame = document.createElement("iframe");
    frame.src = new URL(`embed/#${params}`, STUDIO).href;
    frame.title = this.options.title || "Krea Studio";
    frame.part = "frame";
    frame.allow = "clipboard-write";
    frame.loading = "eager";
    const height = this.options.height || "auto";
    this.auto = height === "auto";
    this.min = px(this.options.minHeight) ?? 0;
    this.max = px(this.options.maxHeight) ?? Infinity;
    frame.style.cssText = "display:block;width:100%;border:0;color-scheme:normal";
    frame.style.height = this.auto ? `${Math.max(this.min, 480)}px` : height;
    this.frame = frame;
    window.addEventListener("message", this.onMessage);
    this.root.replaceChildren(frame);
  }

  receive(event) {
    if (!this.frame || event.source !== this.frame.contentWindow) return;
    if (event.origin !== STUDIO.origin) return;
    const message = event.data;
    if (!message || message.ns !== NS || message.v !== V || message.id !== this.id) return;
    if (typeof message.type !== "string") return;
    const payload = message.payload || {};
    if (message.type === "ready") {
      this.ready = true;
      for (const queued of this.queue.splice(0)) this.post(queued);
    }
    if (message.type === "resize" && this.auto && Number.isFinite(payload.height)) {
      const height = Math.min(this.max, Math.max(this.min, Math.ceil(payload.height)));
      this.frame.style.height = `${height}px`;
    }
    this.emit(message.type, payload);
  }

  emit(type, payload) {
    for (const callback of this.callbacks.get(type) || []) {
      try {
        callback(payload);
      } catch (error) {
        console.error(error);
      }
    }
    this.host.dispatchEvent(new CustomEvent(`krea:${type}`, { detail: payload }));
  }

  // Commands wait for `ready`: the studio cannot take them before.
  command(type, payload) {
    if (!COMMANDS.includes(type)) throw new TypeError(`Krea Studio has no command ${type}`);
    const message = { ns: NS, v: V, id: this.id, type, payload };
    if (this.ready) this.post(message);
    else this.queue.push(message);
  }

  post(message) {
    this.frame?.contentWindow?.postMessage(message, STUDIO.origin);
  }

  on(type, callback) {
    if (!this.callbacks.has(type)) this.callbacks.set(type, new Set());
    this.callbacks.get(type).add(callback);
    return () => this.callbacks.get(type).delete(callback);
  }

  destroy() {
    this.destroyed = true;
    this.observer?.disconnect();
    window.removeEventListener("message", this.onMessage);
    this.root.replaceChildren();
    this.frame = null;
    this.callbacks.clear();
    this.queue = [];
  }
}

function handle(instance) {
  return {
    id: instance.id,
    destroy: () => instance.destroy(),
    setTheme: (theme) => instance.command("setTheme", { theme }),
    setLocale: (locale) => instance.command("setLocale", { locale }),
    prefill: ({ prompt, model } = {}) => instance.command("prefill", { prompt, model }),
    reset: () => instance.command("reset", {}),
    on: (type, callback) => instance.on(type, callback),
  };
}

/** Puts a studio into `element`: options as in the README (proxy, models, theme, locale,
 *  accent, radius, font, height, minHeight, maxHeight, loading, title, label, id). */
export function mount(element, options = {}) {
  if (!(element instanceof Element)) throw new TypeError("KreaStudio.mount needs an element");
  if (options.render && options.render !== "iframe") {
    throw new TypeError(`Krea Studio: render="${options.render}" is not available; use "iframe"`);
  }
  return handle(new Instance(element, options));
}

const ATTRIBUTES = {
  proxy: "proxy", models: "models", theme: "theme", locale: "locale", accent: "accent",
  radius: "radius", font: "font", height: "height", "min-height": "minHeight",
  "max-height": "maxHeight", loading: "loading", title: "title", label: "label", render: "render",
  "instance-id": "id",
};

class KreaStudioElement extends HTMLElement {
  static observedAttributes = ["theme", "locale"];

  connectedCallback() {
    if (this.studio) return;
    const options = {};
    for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
      if (this.hasAttribute(attribute)) options[option] = this.getAttribute(attribute);
    }
    try {
      this.studio = mount(this, options);
    } catch (error) {
      console.error(error);
    }
  }

  disconnectedCallback() {
    this.studio?.destroy();
    this.studio = null;
  }

  attributeChangedCallback(name, before, after) {
    if (!this.studio || before === after) return;
    if (name === "theme") this.studio.setTheme(after || "auto");
    if (name === "locale") this.studio.setLocale(after || "auto");
  }

  setTheme(theme) { this.studio?.setTheme(theme); }
  setLocale(locale) { this.studio?.setLocale(locale); }
  prefill(values) { this.studio?.prefill(values); }
  reset() { this.studio?.reset(); }
  on(type, callback) { return this.studio?.on(type, callback); }
}

if (!customElements.get("krea-studio")) customElements.define("krea-studio", KreaStudioElement);
window.KreaStudio = window.KreaStudio || { mount, version: V };
