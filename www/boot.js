// Loads the package's element before the demo: app.js imports from the package, so without
// it (pkg/ not built, or pce-sim started without --pkg) the page says what to do instead of
// staying blank.
try {
  await import("/pkg/element.js");
} catch (err) {
  console.error(err);
  const banner = document.createElement("div");
  banner.className = "banner level-error";
  banner.setAttribute("role", "alert");
  banner.dataset.scope = "config";
  banner.dataset.kind = "package";
  const text = document.createElement("div");
  text.className = "banner-text";
  const title = document.createElement("p");
  title.className = "banner-title";
  title.textContent = "The illumio-events package did not load.";
  const advice = document.createElement("p");
  advice.className = "banner-advice";
  advice.textContent = "Build it with make pkg, and check that pce-sim serves it (--pkg pkg).";
  text.append(title, advice);
  banner.append(text);
  document.getElementById("banners").append(banner);
  document.getElementById("source").textContent = "Package missing";
  throw err;
}
await import("./app.js");
