import type { FromFeatureMaps } from '../../src/protocol/featureMaps';
import { createHost } from '../common/vscodeApi';

/** The panel's one handle on the host. */
export const host = createHost<FromFeatureMaps>();
