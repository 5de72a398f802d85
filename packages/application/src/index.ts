export * from './commandHandler.js';
export * from './DossierCache.js';
export * from './errors.js';
export * from './ids.js';
export * from './toNewEvents.js';
export * from './counters.js';
export * from './roundTrips.js';
export * from './recognitionImport.js';
