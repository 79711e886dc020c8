export { cadenzaInterpreter } from './interpreter';
export { cadenzaRegistry } from './registry';
