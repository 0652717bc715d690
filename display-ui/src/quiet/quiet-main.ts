import { createApp } from 'vue';
import QuietPage from './QuietPage.vue';
import { startQuietPage } from './quiet-state.ts';

createApp(QuietPage).mount('#app');
startQuietPage();
