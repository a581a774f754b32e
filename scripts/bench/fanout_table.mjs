// Reads rtmp_fanout.sh's JSON lines on stdin; prints a markdown table with
// onair/nginx ratios.
let input = "";
process.stdin.on("data", (d) => (input += d)).on("end", () => {
  const rows = input.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const by = (s) => Object.fromEntries(rows.filter((r) => r.server === s).map((r) => [r.n, r]));
  const nginx = by("nginx"), onair = by("onair");
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const f = (v, d = 1) => (v === undefined || v === null || v < 0 ? "–" : (+v).toFixed(d));
  const ratio = (a, b) => (a === undefined || b === undefined || !b ? "–" : (a / b).toFixed(2) + "×");
  console.log("| N | nginx CPU % | onair CPU % | CPU ratio | nginx kernel % | onair kernel % | nginx KB/player | onair KB/player | nginx start-up ms (p50) | onair start-up ms (p50) | nginx Mbit/s recv | onair Mbit/s recv | failed/stalls nginx | failed/stalls onair |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const n of ns) {
    const a = nginx[n] || {}, b = onair[n] || {};
    console.log(`| ${n} | ${f(a.cpu_percent)} | ${f(b.cpu_percent)} | ${ratio(b.cpu_percent, a.cpu_percent)} | ${f(a.sys_percent)} | ${f(b.sys_percent)} | ${f(a.rss_per_player_kb)} | ${f(b.rss_per_player_kb)} | ${f(a.startup_ms_p50, 0)} | ${f(b.startup_ms_p50, 0)} | ${f(a.mbps, 0)} | ${f(b.mbps, 0)} | ${a.failed ?? "–"}/${a.stalls ?? "–"} | ${b.failed ?? "–"}/${b.stalls ?? "–"} |`);
  }
  const first = (s) => rows.find((r) => r.server === s)?.first_hls_s;
  console.log(`\nFirst playable HLS segment after publish start: nginx-rtmp ${f(first("nginx"), 2)} s, onair ${f(first("onair"), 2)} s`);
});
