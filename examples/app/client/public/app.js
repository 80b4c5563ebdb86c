fetch('/api/health')
  .then((res) => res.json())
  .then((body) => { document.getElementById('health').textContent = JSON.stringify(body, null, 2); })
  .catch((err) => { document.getElementById('health').textContent = `error: ${err}`; });
