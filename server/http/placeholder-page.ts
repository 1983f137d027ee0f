/** Served at / until the dashboard is built into web/dist. */
export const placeholderPage = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>emberflow</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body>
<h1>emberflow</h1>
<p>The dashboard has not been built yet (<code>web/dist</code> is missing).</p>
<ul>
<li><a href="/graphql">GraphiQL</a>: queries, mutations and live subscriptions</li>
<li><code>POST /uploads</code>: upload audio files (multipart, field <code>file</code>)</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>
</body></html>
`;
