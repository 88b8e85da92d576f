// A Unite service written against unite.js's declarations: must compile under tsc --strict.
const entries: { title: string; text: string; date: Date }[] = [];
const server = opera.io.webserver;
if (server) {
  const service = server;
  service.addEventListener('_index', (e) => {
    const response = e.connection.response;
    response.write('<ul>' + entries.map((entry, i) => '<li><a href="entry?id=' + i + '">' + entry.title + '</a></li>').join('') + '</ul>');
    response.close();
  }, false);
  service.addEventListener('save', function (e) {
    const req = e.connection.request;
    entries.push({ title: req.bodyItems['title'][0], text: req.getItem('text', 'POST')?.[0] ?? '', date: new Date() });
    e.connection.response.setStatusCode(302);
    e.connection.response.setResponseHeader('Location', this.currentServicePath);
    e.connection.response.close(() => console.log('sent to', e.connection.request.ip, e.connection.isLocal));
  }, false);
  service.addEventListener('_request', (e) => console.log(e.type, e.connection.request.uri, e.connection.request.getRequestHeader('Host')), false);
  service.browserSocket.ready.then(() => console.log('http://127.0.0.1:' + service.port + service.currentServicePath));
}
