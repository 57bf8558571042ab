"use strict";
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const fold = (s) => String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  const num = (v) => Number(v).toLocaleString("vi-VN", { maximumFractionDigits: 2 });
  const link = (h, w) => (h && /^\.\//.test(h) ? '<a href="' + esc(h) + '">' + esc(w) + "</a>" : esc(w));
  const STATUS = { meets: "đạt hoặc cao hơn chỉ tiêu tỉnh", below: "thấp hơn chỉ tiêu tỉnh", target: "có chỉ tiêu", text: "chỉ tiêu định tính", missing: "thiếu" };
  const communeName = Object.fromEntries(D.communes.map((c) => [c.key, c.name]));
  const indicator = Object.fromEntries(D.indicators.map((i) => [i.id, i]));
  const state = { year: D.year, q: "" };

  function visibleIndicators() {
    const q = fold(state.q).trim();
    const ids = new Set(D.cells.filter((c) => c.y === state.year).map((c) => c.i));
    return D.indicators.filter((i) => ids.has(i.id) && (!q || fold(i.name + " " + i.id + " " + i.domain).includes(q)));
  }
  function cellsOf(id) {
    const out = {};
    D.cells.filter((c) => c.y === state.year && c.i === id).forEach((c) => (out[c.c] = c));
    return out;
  }

  function summary(inds) {
    const plans = D.plans.filter((p) => p.r === "current").length;
    const dup = D.plans.filter((p) => p.r === "duplicate").length;
    const sup = D.plans.filter((p) => p.r === "superseded").length;
    const ids = new Set(inds.map((i) => i.id));
    const cells = D.cells.filter((c) => c.y === state.year && ids.has(c.i));
    const below = cells.filter((c) => c.s === "below").length;
    const missing = cells.filter((c) => c.s === "missing").length;
    const card = (n, t, note) => '<div class="card"><b>' + esc(n) + "</b>" + esc(t) + (note ? '<div class="muted">' + esc(note) + "</div>" : "") + "</div>";
    const notes = [dup ? dup + " bản trùng tính một lần" : "", sup ? sup + " kế hoạch đã được thay thế" : ""].filter(Boolean).join("; ");
    $("summary").innerHTML = '<div class="cards">' + card(plans, "kế hoạch", notes) + card(D.communes.length, "xã, phường") +
      card(inds.length, "chỉ tiêu năm " + state.year) + card(tasksOf().length, "nhiệm vụ (năm " + state.year + " hoặc không thời hạn)") +
      (D.has_reference ? card(below, "giá trị thấp hơn chỉ tiêu tỉnh") : "") + card(missing, "ô thiếu chỉ tiêu") + "</div>";
  }

  function attention(inds) {
    const ids = new Set(inds.map((i) => i.id));
    const cells = D.cells.filter((c) => c.y === state.year && ids.has(c.i));
    let html = "";
    if (D.has_reference) {
      const below = cells.filter((c) => c.s === "below");
      html += "<h3>Thấp hơn chỉ tiêu tỉnh (" + below.length + ")</h3>" + (below.length ? '<ul class="list">' + below.map((c) =>
        "<li><b>" + esc(communeName[c.c]) + "</b> — " + esc(indicator[c.i].name) + ": " + esc(c.t) + " (tỉnh: " + esc(c.ref) + ")</li>").join("") + "</ul>"
        : '<p class="muted">Không có xã nào thấp hơn chỉ tiêu tỉnh.</p>');
    } else {
      html += '<p class="muted">Chưa có chỉ tiêu tham chiếu của tỉnh: tạo báo cáo với <code>--reference</code> (mẫu: pipeline/resources/reference_template.csv) để so sánh.</p>';
    }
    const lacks = D.communes.map((k) => [k, cells.filter((c) => c.c === k.key && c.s === "missing")]).filter((x) => x[1].length);
    html += "<h3>Thiếu chỉ tiêu mà xã khác hoặc tỉnh có (" + lacks.reduce((n, x) => n + x[1].length, 0) + ")</h3>";
    html += lacks.length ? '<ul class="list">' + lacks.map(([k, list]) => "<li><details><summary><b>" + esc(k.name) + "</b> thiếu " + list.length +
      " chỉ tiêu</summary><ul>" + list.map((c) => "<li>" + esc(indicator[c.i].name) + "</li>").join("") + "</ul></details></li>").join("") + "</ul>"
      : '<p class="muted">Không xã nào thiếu chỉ tiêu.</p>';
    $("attention").innerHTML = html;
  }

  function matrix(inds) {
    const head = "<thead><tr><th class='ind'>Chỉ tiêu (đơn vị)</th>" + D.communes.map((c) => "<th>" + esc(c.name) + "</th>").join("") + "</tr></thead>";
    const rows = inds.map((i) => {
      const cells = cellsOf(i.id);
      const ref = Object.values(cells).map((c) => c.ref).find(Boolean);
      return "<tr><th class='ind'>" + esc(i.name) + (i.unit ? ' <span class="muted">(' + esc(i.unit) + ")</span>" : "") +
        (ref ? '<div class="muted">Tỉnh: ' + esc(ref) + "</div>" : "") + "</th>" + D.communes.map((k) => {
          const c = cells[k.key];
          const s = c ? c.s : "missing";
          return '<td class="s-' + s + '" title="' + esc(k.name + ": " + STATUS[s]) + '">' + esc(c && c.t ? c.t : "—") + "</td>";
        }).join("") + "</tr>";
    });
    $("matrix").dataset.year = state.year;
    $("matrix").innerHTML = head + "<tbody>" + (rows.join("") || "<tr><td>Không có chỉ tiêu phù hợp.</td></tr>") + "</tbody>";
  }

  function bars(items, opts) {
    const top = Math.max(1, ...items.map((x) => x.value || 0), opts.ref || 0, opts.percent ? 100 : 0);
    return '<div class="bars" role="img" aria-label="' + esc(opts.label || "") + '">' + items.map((x) => {
      const w = x.value == null ? 0 : (100 * x.value) / top;
      const ref = opts.ref != null ? '<span class="bref" style="left:' + ((100 * opts.ref) / top).toFixed(1) + '%" title="Chỉ tiêu tỉnh"></span>' : "";
      return '<div class="bar-row"><span class="bl">' + esc(x.label) + '</span><span class="bt"><span class="bf ' + (x.cls || "count") +
        '" style="width:' + w.toFixed(1) + '%"></span>' + ref + '<span class="bv" title="' + esc(x.text) + '">' + esc(x.text) + "</span></span></div>";
    }).join("") + "</div>";
  }

  function indicatorDetail(el, id) {
    const cells = cellsOf(id);
    const i = indicator[id];
    const rows = D.communes.map((k) => ({ k, c: cells[k.key] || { s: "missing", t: "", v: null, ref: "", w: "", h: null, n: 0 } }));
    const refCell = rows.find((r) => r.c.ref);
    const refValue = refCell ? Number(String(refCell.c.ref).replace(/[^0-9,]/g, "").replace(",", ".")) : null;
    const chart = bars(rows.map((r) => ({ label: r.k.name, value: r.c.v, cls: "s-" + r.c.s, text: r.c.s === "missing" ? "thiếu" : r.c.t })),
      { percent: i.unit === "%", ref: refValue, label: i.name });
    const table = '<div class="scroll"><table class="sortable"><thead><tr><th class="sort" data-k="name">Xã</th><th class="sort" data-k="v">Chỉ tiêu</th>' +
      '<th class="sort" data-k="s">Trạng thái</th><th>Chỉ tiêu tỉnh</th><th>Nguồn</th></tr></thead><tbody>' + rows.map((r) =>
        '<tr data-name="' + esc(fold(r.k.name)) + '" data-v="' + (r.c.v == null ? "" : r.c.v) + '" data-s="' + r.c.s + '"><td>' + esc(r.k.name) +
        '</td><td class="num s-' + r.c.s + '">' + esc(r.c.t || "—") + "</td><td>" + esc(STATUS[r.c.s]) + (r.c.n > 1 ? " (" + r.c.n + " giá trị, xem bảng chi tiết)" : "") +
        "</td><td>" + esc(r.c.ref) + "</td><td>" + link(r.c.h, r.c.w) + "</td></tr>").join("") + "</tbody></table></div>";
    el.querySelector(".body").innerHTML = chart + table;
  }

  function indicators(inds) {
    $("indicators").innerHTML = inds.map((i) => {
      const cells = Object.values(cellsOf(i.id));
      const have = cells.filter((c) => c.s !== "missing").length;
      return '<details class="ind" data-id="' + esc(i.id) + '"><summary>' + esc(i.name) + ' <span class="muted">— ' + have + "/" +
        D.communes.length + " xã có chỉ tiêu" + (i.unit ? ", đơn vị " + esc(i.unit) : "") + '</span></summary><div class="body"></div></details>';
    }).join("") || '<p class="muted">Không có chỉ tiêu phù hợp.</p>';
  }

  function tasksOf() {
    const q = fold(state.q).trim();
    return D.tasks.filter((t) => (t.y === null || t.y === state.year) && (!q || fold(t.t + " " + t.a).includes(q)));
  }
  function countBars(pairs, label) {
    if (!pairs.length) return '<p class="muted">Không có nhiệm vụ.</p>';
    return bars(pairs.map(([name, n]) => ({ label: name, value: n, text: num(n) + " nhiệm vụ" })), { label });
  }
  function tasks() {
    const list = tasksOf();
    const by = (key) => { const m = new Map(); list.forEach((t) => m.set(key(t), (m.get(key(t)) || 0) + 1)); return [...m.entries()]; };
    const order = Object.fromEntries(list.map((t) => [t.q, t.o]));
    $("by-quarter").innerHTML = countBars(by((t) => t.q).sort((a, b) => (order[a[0]] < order[b[0]] ? -1 : 1)), "Nhiệm vụ theo thời hạn");
    let agencies = by((t) => t.a).sort((a, b) => b[1] - a[1]);
    if (agencies.length > 12) agencies = agencies.slice(0, 11).concat([["Các cơ quan khác", agencies.slice(11).reduce((n, x) => n + x[1], 0)]]);
    $("by-agency").innerHTML = countBars(agencies, "Nhiệm vụ theo cơ quan chủ trì");
  }

  function staticSections() {
    $("generated").textContent = "Tạo lúc " + D.generated + (D.reference_file ? " · chỉ tiêu tỉnh: " + D.reference_file : "");
    $("plans").innerHTML = "<thead><tr><th>Xã</th><th>Kế hoạch</th><th>Vai trò</th><th>Ghi chú</th><th>Tệp</th></tr></thead><tbody>" +
      D.plans.map((p) => "<tr><td>" + esc(p.c) + "</td><td>" + esc(p.plan) + "</td><td>" + esc(p.role) + "</td><td>" + esc(p.reason) +
        "</td><td>" + link(p.h, p.w) + "</td></tr>").join("") + "</tbody>";
    $("diagnostics").innerHTML = D.diagnostics.length ? '<div class="scroll"><table><thead><tr><th>Loại</th><th>Mức độ</th><th>Số lần</th><th>Xã</th><th>Ví dụ</th></tr></thead><tbody>' +
      D.diagnostics.map((d) => "<tr><td><b>" + esc(d.label) + "</b><div class='muted'>" + esc(d.expl) + "</div></td><td>" + esc(d.sev) + '</td><td class="num">' + num(d.n) +
        "</td><td>" + Object.entries(d.communes).map(([k, n]) => esc(communeName[k] || "—") + ": " + n).join("<br>") + "</td><td>" +
        d.ex.map((e) => link(e.h, e.w) + (e.t ? ' <span class="muted">' + esc(e.t) + "</span>" : "")).join("<br>") + "</td></tr>").join("") + "</tbody></table></div>"
      : '<p class="muted">Không có cảnh báo.</p>';
    $("legend").innerHTML = Object.entries(STATUS).filter(([s]) => D.has_reference || (s !== "meets" && s !== "below"))
      .map(([s, t]) => '<span class="s-' + s + '">' + esc(t) + "</span>").join("");
    $("year").innerHTML = D.years.map((y) => "<option" + (y === state.year ? " selected" : "") + ">" + y + "</option>").join("");
  }

  function render() {
    const inds = visibleIndicators();
    summary(inds); attention(inds); matrix(inds); indicators(inds); tasks();
  }

  document.addEventListener("toggle", (e) => {
    const el = e.target;
    if (el.classList && el.classList.contains("ind") && el.open) indicatorDetail(el, el.dataset.id);
  }, true);
  document.addEventListener("click", (e) => {
    const th = e.target.closest && e.target.closest("th.sort");
    if (!th) return;
    const body = th.closest("table").tBodies[0];
    const k = th.dataset.k;
    const dir = th.dataset.dir === "asc" ? -1 : 1;
    th.dataset.dir = dir === 1 ? "asc" : "desc";
    const key = (tr) => (k === "v" ? (tr.dataset.v === "" ? -Infinity : Number(tr.dataset.v)) : tr.dataset[k]);
    [...body.rows].sort((a, b) => (key(a) > key(b) ? dir : key(a) < key(b) ? -dir : 0)).forEach((tr) => body.appendChild(tr));
  });
  $("year").addEventListener("change", (e) => { state.year = Number(e.target.value); render(); });
  $("search").addEventListener("input", (e) => { state.q = e.target.value; render(); });
  // Printing shows every indicator: open and draw them now (toggle events would come after the snapshot).
  window.addEventListener("beforeprint", () => document.querySelectorAll("details.ind").forEach((d) => {
    if (!d.open) { d.open = true; indicatorDetail(d, d.dataset.id); }
  }));
  staticSections();
  render();
})();
