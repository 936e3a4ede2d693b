import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { definePeekableConformanceSuite } from './support/peek-conformance.js';

definePeekableConformanceSuite('memory adapter conformance', createMemoryDriver);
