/** Registers every Keras-domain rule (import for the side effect). */
import './conv';
import './pool';
import './dense';
import './norm';
import './reshape';
import './elementwise';
