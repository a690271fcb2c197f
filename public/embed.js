// Krea Studio embed loader: turns each <krea-studio> into a frame of this studio's embed
// page (or, with render="inline", renders the studio into the element's shadow root), and
// offers KreaStudio.mount(element, options) to a page's own script. No wasm here: the frame
// loads it, or inline mode imports the app's module once for every instance. The contract
// (events, commands, options) is in the README, "Embedding". Messages go to the studio's
// origin only, never "*", and are taken only from this instance's own frame.

const NS = "krea-studio";
const V = 1;
const STUDIO = new URL("./", import.meta.url);
// Options handed to the studio (the fragment of the frame's address, never sent to a server).
const PASSED = ["proxy", "models", "theme", "locale", "accent", "radius", "font", "uploads"];
const COMMANDS = ["setTheme", "setLocale", "prefill", "reset"];
let made = 0;
// Inline mode: the app's module, imported and started once, and the studio's config.json.
let app = null;
let config = null;

function loadApp() {
  app ??= (async () => {
    const names = await (await fetch(new URL("embed/app.json", STUDIO))).json();
    const module = await import(new URL(names.module, STUDIO).href);
    await module.default({ module_or_path: new URL(names.wasm, STUDIO).href });
    return { module, stylesheet: new URL(names.stylesheet, STUDIO).href };
  })();
  return app;
}

function studioConfig() {
  config ??= fetch(new URL("config.json", STUDIO))
    .then((reply) => (reply.ok ? reply.json() : {}))
    .catch(() => ({}));
  return config;
}

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
    this.listeners = new Set();
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
    if (this.frame || this.inline || this.destroyed) return;
    this.observer?.disconnect();
    // `ready` lets queued commands through, in either mode.
    this.on("ready", () => {
      this.ready = true;
      for (const queued of this.queue.splice(0)) this.deliver(queued);
    });
    if (this.options.render === "inline") {
      this.loadInline().catch((error) => this.fail(error));
      return;
    }
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

  async loadInline() {
    const [{ module, stylesheet }, studio] = await Promise.all([loadApp(), studioConfig()]);
    if (this.destroyed) return;
    const proxy = this.options.proxy || studio.proxy_url || STUDIO.origin;
    const options = { ...this.options, proxy, id: this.id, stylesheet };
    for (const name of ["render", "loading", "height", "minHeight", "maxHeight", "title", "label"]) {
      delete options[name];
    }
    this.inline = module.mount(this.host, options);
  }

  fail(error) {
    console.error(error);
    this.emit("error", { code: "mount_failed", message: String(error?.message || error) });
  }

  receive(event) {
    if (!this.frame || event.source !== this.frame.contentWindow) return;
    if (event.origin !== STUDIO.origin) return;
    const message = event.data;
    if (!message || message.ns !== NS || message.v !== V || message.id !== this.id) return;
    if (typeof message.type !== "string") return;
    const payload = message.payload || {};
    if (message.type === "resize" && this.auto && Number.isFinite(payload.height)) {
      const height = Math.min(this.max, Math.max(this.min, Math.ceil(payload.height)));
      this.frame.style.height = `${height}px`;
    }
    this.emit(message.type, payload);
  }

  // Events are DOM events on the element (`krea:job:completed`…); an inline studio
  // dispatches them itself.
  emit(type, payload) {
    this.host.dispatchEvent(new CustomEvent(`krea:${type}`, { detail: payload }));
  }

  // Commands wait for `ready`: the studio cannot take them before.
  command(type, payload) {
    if (!COMMANDS.includes(type)) throw new TypeError(`Krea Studio has no command ${type}`);
    const message = { ns: NS, v: V, id: this.id, type, payload };
    if (this.ready) this.deliver(message);
    else this.queue.push(message);
  }

  deliver(message) {
    if (this.inline) this.inline.command(message.type, message.payload);
    else this.frame?.contentWindow?.postMessage(message, STUDIO.origin);
  }

  on(type, callback) {
    const listener = (event) => {
      try {
        callback(event.detail);
      } catch (error) {
        console.error(error);
      }
    };
    const entry = [`krea:${type}`, listener];
    this.host.addEventListener(...entry);
    this.listeners.add(entry);
    return () => {
      this.host.removeEventListener(...entry);
      this.listeners.delete(entry);
    };
  }

  destroy() {
    this.destroyed = true;
    this.observer?.disconnect();
    window.removeEventListener("message", this.onMessage);
    for (const entry of this.listeners) this.host.removeEventListener(...entry);
    this.listeners.clear();
    if (this.inline) {
      this.inline.destroy();
      this.inline.free();
      this.inline = null;
    }
    this.root.replaceChildren();
    this.frame = null;
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

/** Puts a studio into `element`: options as in the README (render, proxy, models, theme,
 *  locale, accent, radius, font, uploads, height, minHeight, maxHeight, loading, title, label,
 *  id). */
export function mount(element, options = {}) {
  if (!(element instanceof Element)) throw new TypeError("KreaStudio.mount needs an element");
  if (options.render && !["iframe", "inline"].includes(options.render)) {
    throw new TypeError(`Krea Studio: render="${options.render}": use "iframe" or "inline"`);
  }
  return handle(new Instance(element, options));
}

const ATTRIBUTES = {
  proxy: "proxy", models: "models", theme: "theme", locale: "locale", accent: "accent",
  radius: "radius", font: "font", height: "height", "min-height": "minHeight",
  "max-height": "maxHeight", loading: "loading", title: "title", label: "label", render: "render",
  "instance-id": "id", uploads: "uploads",
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
