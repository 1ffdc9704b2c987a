// Where the studio keeps the artist's credentials: IndexedDB, which stores
// the non-extractable CryptoKey itself (by structured clone), so the key
// never exists as bytes the page could read.

const DATABASE = 'hallmark-studio';
const STORE = 'credentials';
const KEY = 'current';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError('open', request.error));
    request.onblocked = () => reject(new Error('the browser keeps this page\'s storage busy in another tab: close it and reload'));
  });
}

/** An error about storage in words: a full quota is the usual one. */
function storageError(what, error) {
  if (error?.name === 'QuotaExceededError') {
    return new Error('this browser has no room left to keep your signature (its storage quota is used up): '
      + 'download the backup, free some space, and import the backup again');
  }
  return new Error(`this browser could not ${what} its storage (${error?.message ?? error}): `
    + 'private windows and some settings forbid it; keep the backup and import it when you come back');
}

async function transaction(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(storageError(mode === 'readonly' ? 'read' : 'write to', tx.error));
      tx.onabort = () => reject(storageError(mode === 'readonly' ? 'read' : 'write to', tx.error));
    });
  } finally {
    db.close();
  }
}

/** The credentials kept in this browser, or undefined. */
export function loadCredentials() {
  return transaction('readonly', (store) => store.get(KEY));
}

/** Keep `credentials` ({key: CryptoKey, certificateChainPem, caCertificatePem, name}). */
export function saveCredentials(credentials) {
  return transaction('readwrite', (store) => store.put(credentials, KEY));
}

/** Forget the kept credentials. */
export function removeCredentials() {
  return transaction('readwrite', (store) => store.delete(KEY));
}

/**
 * Ask the browser to keep this page's storage: resolves with true when it
 * will, false when it may clear it (then the backup is what counts).
 */
export async function askToPersist() {
  if (!navigator.storage?.persist) return false;
  try {
    return (await navigator.storage.persisted()) || (await navigator.storage.persist());
  } catch {
    return false;
  }
}
