import { createMapDriver } from '../../examples/minimal-adapter/map-driver.js';
import { definePeekableConformanceSuite } from './support/peek-conformance.js';

// The plugin-author example passes the whole kit, the inspection tests
// included; its outbox tests check that it refuses the outbox with
// UNSUPPORTED, as it declares.
definePeekableConformanceSuite('minimal Map-backed example adapter conformance', createMapDriver);
