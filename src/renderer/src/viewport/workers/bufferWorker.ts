// TEMPORARY DEV STUB (not committed).
self.onmessage = (e: MessageEvent) => { if (e.data.type === 'render') self.postMessage({ type: 'error', id: e.data.id, message: 'stub' }); };
