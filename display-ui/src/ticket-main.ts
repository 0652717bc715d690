import { createApp } from 'vue';
import TicketPage from './TicketPage.vue';
import { startTicketPage } from './ticket-status.ts';

createApp(TicketPage).mount('#app');
startTicketPage();
