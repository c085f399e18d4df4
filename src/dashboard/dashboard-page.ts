/**
 * The dashboard's page: a form to pick an execution or conversation (and a token when the node
 * requires one), and the live list of events. The script is served separately so that the Content
 * Security Policy can forbid inline scripts.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agent-events</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0 16px 0 0; }
  form { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
  input, select, button { font: inherit; padding: 4px 8px; border-radius: 4px; border: 1px solid #99a; }
  #status { margin-left: auto; font-size: 12px; opacity: 0.8; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #e4e6eb; vertical-align: top; }
  th { position: sticky; top: 0; background: #eef0f4; }
  td.type { font-family: ui-monospace, monospace; white-space: nowrap; }
  td.detail { font-family: ui-monospace, monospace; font-size: 12px; color: #556; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>agent-events</h1>
  <form id="subscribe">
    <select id="kind"><option value="conversationId">conversation</option><option value="executionId">execution</option></select>
    <input id="target" placeholder="demo-conversation" value="demo-conversation" required maxlength="200">
    <input id="token" type="password" placeholder="access token (if required)">
    <button>Watch</button>
  </form>
  <span id="status">disconnected</span>
</header>
<table>
  <thead><tr><th>time</th><th>execution</th><th>seq</th><th>type</th><th>agent / department</th><th>detail</th></tr></thead>
  <tbody id="events"></tbody>
</table>
<script src="/dashboard.js"></script>
</body>
</html>
`
