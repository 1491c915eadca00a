/** Registers every ai.onnx rule (imported once by analyze.ts for its side effects). */
import './conv';
import './pool';
import './norm';
import './elementwise';
import './shape-ops';
import './slice-ops';
import './gather-ops';
import './const-ops';
import './dense';
import './reduce';
import './resize';
import './control';
import './quant';
import './quant-ms';
import './keras/index';
