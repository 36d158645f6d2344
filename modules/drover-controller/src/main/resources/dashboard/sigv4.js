// AWS Signature Version 4 in the browser (WebCrypto), as Drover verifies it: service "batch",
// the payload always signed, host and x-amz-date among the signed headers.

const SERVICE = 'batch';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const encoder = new TextEncoder();

/** RFC 3986 percent-encoding: unreserved characters as they are, every other byte as %XX. */
export function uriEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A query string from [name, value] pairs, encoded as SigV4 expects (spaces as %20, never +). */
export function queryString(pairs) {
  return pairs.map(([name, value]) => uriEncode(name) + '=' + uriEncode(value)).join('&');
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), b => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key, text) {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(text));
}

/** 20250102T030405Z */
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The path as SigV4 canonicalises it: each segment, as sent on the wire, encoded once more. */
function canonicalUri(rawPath) {
  const segments = rawPath.split('/').filter(s => s !== '' && s !== '.');
  if (segments.length === 0) {
    return '/';
  }
  return '/' + segments.map(uriEncode).join('/') + (rawPath.endsWith('/') ? '/' : '');
}

/** The query's pairs decoded, re-encoded and sorted by name, then value. */
function canonicalQuery(rawQuery) {
  if (!rawQuery) {
    return '';
  }
  const decode = s => decodeURIComponent(s);
  return rawQuery.split('&').filter(p => p !== '')
    .map(piece => {
      const equals = piece.indexOf('=');
      const name = decode(equals < 0 ? piece : piece.slice(0, equals));
      const value = equals < 0 ? '' : decode(piece.slice(equals + 1));
      return [name, value];
    })
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([name, value]) => name + '=' + value)
    .join('&');
}

async function signature(credentials, date, canonicalRequest) {
  const day = date.slice(0, 8);
  const scope = `${day}/${credentials.region}/${SERVICE}/${TERMINATOR}`;
  const stringToSign = `${ALGORITHM}\n${date}\n${scope}\n${await sha256Hex(canonicalRequest)}`;
  let key = await hmac(encoder.encode('AWS4' + credentials.secretAccessKey), day);
  key = await hmac(key, credentials.region);
  key = await hmac(key, SERVICE);
  key = await hmac(key, TERMINATOR);
  return { scope, value: hex(await hmac(key, stringToSign)) };
}

/**
 * The headers that sign a request for `url` (a URL whose search is already encoded with
 * queryString). A fresh invocation id is signed into each call, so two identical calls made in the
 * same second are not mistaken for a replay.
 */
export async function signHeaders(credentials, method, url, body, now = new Date()) {
  const date = amzDate(now);
  const payloadHash = await sha256Hex(body ?? '');
  const headers = {
    'amz-sdk-invocation-id': crypto.randomUUID(),
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': date,
  };
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    method,
    canonicalUri(url.pathname),
    canonicalQuery(url.search.slice(1)),
    ...names.map(name => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
  const signed = await signature(credentials, date, canonicalRequest);
  const { host, ...sent } = headers;
  sent.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${signed.scope}, `
    + `SignedHeaders=${names.join(';')}, Signature=${signed.value}`;
  return sent;
}

/** A presigned GET URL (for EventSource, which cannot send headers), valid for `expiresSeconds`. */
export async function presign(credentials, url, expiresSeconds, now = new Date()) {
  const date = amzDate(now);
  const signedUrl = new URL(url);
  const extra = queryString([
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${date.slice(0, 8)}/${credentials.region}/${SERVICE}/${TERMINATOR}`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', String(expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ]);
  signedUrl.search = signedUrl.search ? signedUrl.search.slice(1) + '&' + extra : extra;
  const canonicalRequest = [
    'GET',
    canonicalUri(signedUrl.pathname),
    canonicalQuery(signedUrl.search.slice(1)),
    `host:${signedUrl.host}`,
    '',
    'host',
    await sha256Hex(''),
  ].join('\n');
  const signed = await signature(credentials, date, canonicalRequest);
  signedUrl.search = signedUrl.search.slice(1) + '&X-Amz-Signature=' + signed.value;
  return signedUrl.toString();
}
