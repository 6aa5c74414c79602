import { escapeHtml, hiddenFields, renderLayout } from './layout';

export interface DevicePage {
  csrfToken: string;
  /** What the user typed, or the code of verification_uri_complete, to fill the field with. */
  userCode?: string;
  message?: string;
}

/** RFC 8628 §3.3: the page where the user enters the code their device shows. */
export function renderDevicePage(page: DevicePage): string {
  const alert = page.message ? `<p role="alert" class="alert">${escapeHtml(page.message)}</p>` : '';
  return renderLayout(
    'Connect a device',
    `<h1>Connect a device</h1>
<p>Enter the code shown on your device.</p>
${alert}
<form method="post" action="/device">
${hiddenFields({ csrf_token: page.csrfToken })}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" value="${escapeHtml(page.userCode ?? '')}" placeholder="XXXX-XXXX" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="64" required autofocus>
<button type="submit">Continue</button>
</form>`,
  );
}

/** How a device request ended, from the `error` of its result redirect (fixed texts: nothing is echoed). */
export type DeviceResult = 'approved' | 'denied' | 'expired' | 'failed';

const RESULTS: Record<DeviceResult, { title: string; text: string }> = {
  approved: { title: 'Device connected', text: 'You may return to your device: it will continue on its own.' },
  denied: { title: 'Access denied', text: 'The device was not given access to your account.' },
  expired: { title: 'Code expired', text: 'This code is no longer valid. Start again on your device.' },
  failed: { title: 'Something went wrong', text: 'The device could not be connected. Try again later.' },
};

export function deviceResultOf(error: string | undefined): DeviceResult {
  if (error === undefined) return 'approved';
  if (error === 'access_denied') return 'denied';
  return error === 'expired_token' ? 'expired' : 'failed';
}

export function renderDeviceResultPage(result: DeviceResult): string {
  const { title, text } = RESULTS[result];
  const role = result === 'approved' ? '' : ' role="alert" class="alert"';
  return renderLayout(title, `<h1>${escapeHtml(title)}</h1>\n<p${role}>${escapeHtml(text)}</p>`);
}
