export { cadenzaInterpreter } from './interpreter';
export { cadenzaRegistry } from './registry';
export { cadenzaDefinition } from './definition-entity';
export { cadenzaDefinitionArchive } from './definition-archive';
export { cadenzaMailbox } from './mailbox';
export { cadenzaBulk } from './bulk';
