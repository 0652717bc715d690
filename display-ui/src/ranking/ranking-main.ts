import { createApp } from 'vue';
import RankingPage from './RankingPage.vue';
import { startRankingPage } from './ranking-state.ts';

createApp(RankingPage).mount('#app');
startRankingPage();
