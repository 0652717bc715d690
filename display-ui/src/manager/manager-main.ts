import { createApp } from 'vue';
import ManagerPage from './ManagerPage.vue';
import './manager.css';
import { restore } from './manager-state.ts';

createApp(ManagerPage).mount('#app');
restore();
