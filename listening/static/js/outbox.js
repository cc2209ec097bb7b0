// The outbox: conversations saved on this phone (IndexedDB) until the server has them.
// Plain ES2017, no dependencies. A record is
//   {uuid, body, state: "pending" | "conflict" | "invalid", message, errors, savedAt, attempts}
// and is deleted only after the server answered 200 or 201 for it.

const DB_NAME = 'listening'
const DB_VERSION = 1
const STORE = 'outbox'

let opening = null

export function supported () {
  try {
    return typeof indexedDB !== 'undefined' && indexedDB !== null
  } catch (error) {
    return false // some private modes throw on access
  }
}

function open () {
  if (!opening) {
    opening = new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, DB_VERSION)
      request.onupgradeneeded = function () {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE, { keyPath: 'uuid' })
        }
      }
      request.onsuccess = function () {
        const db = request.result
        db.onversionchange = function () { db.close(); opening = null }
        resolve(db)
      }
      request.onerror = function () { opening = null; reject(request.error) }
      request.onblocked = function () { opening = null; reject(new Error('IndexedDB is blocked')) }
    })
  }
  return opening
}

// Run fn(store) in a transaction; resolves with fn's request result once the data is on disk.
function run (mode, fn) {
  return open().then(function (db) {
    return new Promise(function (resolve, reject) {
      let tx
      try {
        tx = db.transaction(STORE, mode, { durability: 'strict' })
      } catch (error) {
        tx = db.transaction(STORE, mode) // browsers without the options argument
      }
      const request = fn(tx.objectStore(STORE))
      tx.oncomplete = function () { resolve(request ? request.result : undefined) }
      tx.onerror = function () { reject(tx.error) }
      tx.onabort = function () { reject(tx.error || new Error('IndexedDB transaction aborted')) }
    })
  })
}

export function put (record) {
  return run('readwrite', function (store) { return store.put(record) })
}

export function get (uuid) {
  return run('readonly', function (store) { return store.get(uuid) })
}

export function remove (uuid) {
  return run('readwrite', function (store) { return store.delete(uuid) })
}

export function all () {
  return run('readonly', function (store) { return store.getAll() }).then(function (records) {
    return (records || []).sort(function (a, b) { return a.savedAt - b.savedAt })
  })
}
