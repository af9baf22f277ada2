/** The dashboard's only stylesheet: readable tables, nothing to download. */
export const STYLE = `
:root { color-scheme: light; --line: #e3e6ea; --muted: #6b7280; --bad: #b42318; --ok: #067647; --warn: #b54708; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f7f9; }
header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 8px; }
main { padding: 16px 24px 40px; max-width: 1400px; }
section { margin-bottom: 22px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; font-weight: 600; color: var(--muted); background: #fafbfc; text-transform: uppercase; letter-spacing: .03em; }
tr:last-child td { border-bottom: 0; }
.muted { color: var(--muted); font-size: 12px; font-weight: normal; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
.args { max-width: 360px; }
.fn { color: #1d4ed8; white-space: nowrap; word-break: normal; }
.error { color: var(--bad); max-width: 320px; word-break: break-word; }
.counts { font-variant-numeric: tabular-nums; white-space: nowrap; }
.counts.bad { color: var(--bad); font-weight: 600; }
.empty { color: var(--muted); text-align: center; padding: 14px; }
.actions { white-space: nowrap; text-align: right; }
.actions form { display: inline; }
button { font: inherit; font-size: 12px; padding: 3px 10px; margin-left: 4px; border: 1px solid #c9ced6; border-radius: 4px; background: #fff; cursor: pointer; }
button:hover { background: #f0f2f5; }
button.danger { color: var(--bad); }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; background: #eef0f3; }
.badge.running, .badge.success { background: #dcfae6; color: var(--ok); }
.badge.paused, .badge.retry { background: #fef0c7; color: var(--warn); }
.badge.dead { background: #fee4e2; color: var(--bad); }
.notice { margin: 16px 24px 0; max-width: 1352px; padding: 8px 12px; background: #eff8ff; border: 1px solid #b2ddff; border-radius: 6px; }
.notice.bad { background: #fef3f2; border-color: #fecdca; color: var(--bad); }
.activity { list-style: none; margin: 0; padding: 8px 12px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
.activity li { padding: 3px 0; }
a { color: #1d4ed8; text-decoration: none; }
.badge.wf.flow { background: #ebe9fe; color: #5925dc; }
.badge.wf.step { background: #e0f2fe; color: #026aa2; }
.wf-name { color: #1f2328; display: inline-block; max-width: 240px; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
.args .wf-run { word-break: normal; overflow-wrap: anywhere; }
.wf-problem { color: var(--warn); font-weight: 600; }
.wf-delay { color: var(--warn); }
h3 { font-size: 13px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
dl.detail { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; padding: 10px 14px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
dl.detail dt { color: var(--muted); font-size: 12px; }
dl.detail dd { margin: 0; overflow-wrap: anywhere; }
pre { margin: 0; font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 400px; overflow: auto; }
.task-detail .actions { text-align: left; margin-bottom: 4px; }
a.small { font-size: 12px; font-weight: normal; margin-left: 8px; }
`;
