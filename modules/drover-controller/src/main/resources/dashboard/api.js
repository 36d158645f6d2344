// Signed calls to the controller that served this page: the AWS Batch API, Drover's extensions
// and the event stream.

import { presign, queryString, signHeaders } from './sigv4.js';

const CREDENTIALS_KEY = 'drover.dashboard.credentials';
const PRESIGNED_EXPIRY_SECONDS = 300;

/** A refusal or failure, in AWS's shape: HTTP status, error type, message. */
export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** The key signed in with in this tab (sessionStorage: gone when the tab closes), or null. */
export function storedCredentials() {
  const text = sessionStorage.getItem(CREDENTIALS_KEY);
  return text ? JSON.parse(text) : null;
}

export function storeCredentials(credentials) {
  sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
}

export function forgetCredentials() {
  sessionStorage.removeItem(CREDENTIALS_KEY);
}

/**
 * A signature is refused when it was made more than a few minutes away from the controller's
 * clock. Answers that say so carry the controller's time (the Date header): requests are then
 * signed at that time, corrected by the difference, and the refused one is sent once more.
 */
const CLOCK_REFUSAL = /Signature expired|Signature not yet current/;

export class Api {
  constructor(credentials, origin = location.origin) {
    this.credentials = credentials;
    this.origin = origin;
    this.clockOffsetMs = 0;
  }

  now() {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  url(path, query = []) {
    const url = new URL(path, this.origin);
    if (query.length > 0) {
      url.search = queryString(query);
    }
    return url;
  }

  async request(method, path, options = {}) {
    try {
      return await this.send(method, path, options);
    } catch (e) {
      if (!(e instanceof ApiError) || e.serverTime === undefined || !CLOCK_REFUSAL.test(e.message)) {
        throw e;
      }
      this.clockOffsetMs = e.serverTime - Date.now();
      return this.send(method, path, options);
    }
  }

  async send(method, path, { query = [], body = null, text = false }) {
    const url = this.url(path, query);
    const payload = body === null ? '' : JSON.stringify(body);
    const headers = await signHeaders(this.credentials, method, url, payload, this.now());
    if (body !== null) {
      headers['content-type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(url, { method, headers, body: body === null ? undefined : payload, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'NetworkError', `The controller at ${this.origin} did not answer (${e.message}).`);
    }
    if (!response.ok) {
      let type = response.headers.get('x-amzn-ErrorType') ?? 'HttpError';
      let message = `${response.status} ${response.statusText}`;
      try {
        const error = await response.json();
        type = error.__type ?? type;
        message = error.message ?? message;
      } catch {
        // not JSON: keep the status line
      }
      const error = new ApiError(response.status, type, message);
      const serverTime = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isNaN(serverTime)) {
        error.serverTime = serverTime;
      }
      throw error;
    }
    return text ? response.text() : response.json();
  }

  /** POST /v1/<operation> of the AWS Batch API. */
  batch(operation, body = {}) {
    return this.request('POST', `/v1/${operation}`, { body });
  }

  get(path, query = []) {
    return this.request('GET', path, { query });
  }

  post(path, body = {}) {
    return this.request('POST', path, { body });
  }

  whoami() {
    return this.get('/drover/v1/whoami');
  }

  logs(jobId, attempt) {
    const query = attempt ? [['attempt', String(attempt)]] : [];
    return this.request('GET', `/drover/v1/jobs/${encodeURIComponent(jobId)}/logs`, { query, text: true });
  }

  /** A freshly presigned URL of the event stream. */
  eventsUrl() {
    return presign(this.credentials, this.url('/drover/v1/events'), PRESIGNED_EXPIRY_SECONDS, this.now());
  }
}

/**
 * Job state changes from GET /drover/v1/events. EventSource retries with the same URL, whose
 * signature soon expires, so on any error the stream is closed and opened again with a new
 * signature, backing off up to 30 seconds. `onState(live)` reports whether the stream is open;
 * each reopening is reported so that views can reload what they may have missed.
 */
export class LiveEvents {
  constructor(api, { onChange, onState }) {
    this.api = api;
    this.onChange = onChange;
    this.onState = onState;
    this.source = null;
    this.retryDelay = 1000;
    this.timer = null;
    this.stopped = false;
  }

  async start() {
    if (this.stopped) {
      return;
    }
    let url;
    try {
      url = await this.api.eventsUrl();
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) {
      return;
    }
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      this.retryDelay = 1000;
      this.onState(true);
    };
    source.addEventListener('Batch Job State Change', event => {
      this.onChange(JSON.parse(event.data).detail);
    });
    source.onerror = () => {
      source.close();
      this.retry();
    };
  }

  retry() {
    this.onState(false);
    if (!this.stopped) {
      this.timer = setTimeout(() => this.start(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 30000);
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.onState(false);
  }
}
