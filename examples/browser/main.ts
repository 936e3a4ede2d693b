/**
 * The pure modules in a browser, with no server: a showroom tablet checks a
 * VIN and a mobile number as they are typed and ranks a few customers into the
 * pyramid, all locally. Bundle it for the browser and open index.html:
 *
 *   npx esbuild examples/browser/main.ts --bundle --format=esm --platform=browser --outfile=examples/browser/main.js
 *
 * (the tests do exactly this and load the page in headless Chromium).
 */
import { normalizeCnMobile, validateVin } from 'dealer-crm/customer';
import { assignPyramid } from 'dealer-crm/segmentation';

function show(id: string, text: string): void {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

const vin = validateVin('LFV2A21K8B3012345');
show('vin', vin.valid ? `VIN ${vin.vin} is valid` : `VIN ${vin.vin}: ${vin.message}`);

const mobile = normalizeCnMobile('138 1234 5678');
show('mobile', mobile.valid ? `mobile ${mobile.e164}` : mobile.message);

const pyramid = assignPyramid(
  Array.from({ length: 20 }, (_, i) => ({ customerId: `C-${String(i + 1).padStart(2, '0')}`, profitMinor: (20 - i) * 10_000 - 50_000 })),
);
show('pyramid', pyramid.zones.map((zone) => `${zone.label}: ${zone.customerCount}`).join(' · '));
document.body.dataset.ready = 'true';
