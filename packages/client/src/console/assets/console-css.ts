/** The console's one style sheet (plain CSS; served at /console/assets/console.css). */
export const CONSOLE_CSS = `
:root { --fg: #1d2430; --muted: #667085; --line: #d9dee7; --bg: #f6f7f9; --card: #fff;
  --accent: #1f5fbf; --ok: #1a7f37; --bad: #c4262e; --warn: #9a6700; font-size: 15px; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 1.2rem; padding: .6rem 1.2rem; background: #14213d; color: #fff; flex-wrap: wrap; }
header .muted { color: #b8c2d6; }
nav { display: flex; gap: .2rem; flex-wrap: wrap; }
nav a { color: #dce3f0; text-decoration: none; padding: .35rem .7rem; border-radius: 4px; }
nav a[aria-current="page"], nav a:hover { background: #2b3d63; color: #fff; }
.logout { margin-left: auto; }
button.link { background: none; border: 0; color: #b8c2d6; cursor: pointer; padding: 0; }
main { padding: 1rem 1.2rem 2rem; max-width: 1280px; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; }
.card h2 { margin-top: 0; font-size: 1rem; }
.big { font-size: 1.6rem; font-weight: 600; }
.muted { color: var(--muted); }
.ok { color: var(--ok); } .error { color: var(--bad); } .warn { color: var(--warn); }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); }
th, td { overflow-wrap: anywhere; text-align: left; padding: .35rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; font-size: .92rem; }
th { background: #eef1f6; font-weight: 600; }
td code { word-break: break-all; }
.msg { display: inline-block; min-width: 14rem; }
td code, pre { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: .85rem; }
pre { background: #0f172a; color: #e2e8f0; padding: .8rem; border-radius: 6px; overflow: auto; max-height: 60vh; }
form.inline { display: inline; }
label { display: block; margin: .5rem 0 .15rem; font-weight: 600; }
input[type=text], input[type=url], input[type=password], input[type=number], select { padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; width: 100%; max-width: 30rem; font: inherit; }
.row input[type=text] { width: 18rem; }
button { font: inherit; padding: .35rem .8rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
.row { display: flex; gap: .6rem; align-items: end; flex-wrap: wrap; margin: .5rem 0; }
.chart { display: flex; align-items: end; gap: 2px; height: 80px; border-bottom: 1px solid var(--line); }
.chart span { flex: 1; background: var(--accent); min-height: 1px; }
.chart span.failed { background: var(--bad); }
.pill { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .8rem; border: 1px solid currentColor; }
.drop { border: 2px dashed var(--line); border-radius: 6px; padding: 1rem; background: var(--card); }
`;
