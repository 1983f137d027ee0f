/* global React, ReactDOM, GraphiQL, graphqlWs, fetch, location, document, window */
// Browser-side GraphiQL setup, served as a static file (kept out of the HTML so a strict CSP works).
(function () {
  "use strict";
  var httpUrl = location.origin + "/graphql";
  var wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql";
  var wsClients = {};

  // one graphql-ws client per Authorization value, so changing the token in the headers editor takes effect
  function wsClient(authorization) {
    var key = authorization || "";
    if (!wsClients[key]) {
      wsClients[key] = graphqlWs.createClient({
        url: wsUrl,
        connectionParams: authorization ? { authorization: authorization } : {},
        lazy: true,
      });
    }
    return wsClients[key];
  }

  function headerValue(headers, name) {
    if (!headers) return undefined;
    for (var k in headers) if (k.toLowerCase() === name) return headers[k];
    return undefined;
  }

  function isSubscription(params) {
    var q = params.query || "";
    var ops = q.replace(/#[^\n]*/g, "").match(/\b(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g) || [];
    for (var i = 0; i < ops.length; i++) {
      var parts = ops[i].split(/\s+/);
      if (parts[0] === "subscription" && (!params.operationName || parts[1] === params.operationName)) return true;
    }
    return false;
  }

  function fetcher(params, opts) {
    var headers = (opts && opts.headers) || {};
    if (isSubscription(params)) {
      var client = wsClient(headerValue(headers, "authorization"));
      return client.iterate({ query: params.query, variables: params.variables, operationName: params.operationName });
    }
    var h = { "content-type": "application/json", accept: "application/json" };
    for (var k in headers) h[k] = headers[k];
    return fetch(httpUrl, { method: "POST", headers: h, body: JSON.stringify(params) }).then(function (r) {
      return r.json();
    });
  }

  // exposed for scripted checks (the e2e test drives it the way the run button does)
  window.__efFetcher = fetcher;

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      // with API_TOKENS configured, put "Bearer <token>" here (mutations and subscriptions need it)
      defaultHeaders: JSON.stringify({ authorization: "" }, null, 2),
      defaultQuery:
        "# emberflow: try templates, formats, batches(first: 10) { edges { node { id name status } } }\n" +
        "query Catalog {\n  templates { id label }\n  formats { id label width height }\n}\n",
    }),
  );
})();
