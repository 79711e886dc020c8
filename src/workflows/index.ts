export { cadenzaInterpreter } from './interpreter';
