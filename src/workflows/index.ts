export { cadenzaInterpreter } from './interpreter';
export { cadenzaRegistry } from './registry';
export { cadenzaMailbox } from './mailbox';
export { cadenzaBulk } from './bulk';
