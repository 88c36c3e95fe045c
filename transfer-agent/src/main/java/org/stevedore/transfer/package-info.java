/** Moving bytes and removing them: transfer tools, the conveyor workers, storage protocols and the reaper. */
package org.stevedore.transfer;
